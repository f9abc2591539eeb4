// The reasoning text of a chat-only upstream (DeepSeek's and Moonshot's `reasoning_content`) as a Responses
// reasoning item, and back. The client sees it as a summary only when it asked for one (`reasoning.summary`);
// a client that asks for `reasoning.encrypted_content` (Codex, stateless with `store: false`) gets the text
// as that opaque field and hands it back with the next request. That round trip matters: DeepSeek's thinking
// mode refuses a tool-call turn whose assistant message lost its `reasoning_content`. The field is not
// encrypted — it is the model's own text, for the same client — only marked as ours, so that OpenAI's
// real encrypted reasoning (from a conversation begun elsewhere) is never mistaken for text.

type Json = Record<string, any>

const MARK = 'pgpt-reasoning-v1.'

/** Whether a request wants the reasoning text as a summary, as encrypted content, or not at all. */
export function reasoningWanted(request: Json): { summary: boolean; encrypted: boolean } {
  const summary = request.reasoning?.summary
  return {
    summary: typeof summary === 'string' && summary !== 'none',
    encrypted: Array.isArray(request.include) && request.include.includes('reasoning.encrypted_content'),
  }
}

export const encodeReasoning = (text: string) => MARK + Buffer.from(text, 'utf8').toString('base64')

/** The text a reasoning item of the history carries: ours from `encrypted_content`, else its summary. */
export function reasoningTextOf(item: Json): string | undefined {
  if (typeof item.encrypted_content === 'string' && item.encrypted_content.startsWith(MARK)) {
    return Buffer.from(item.encrypted_content.slice(MARK.length), 'base64').toString('utf8')
  }
  // The full text (`reasoning_text` content) when the item has it, else what its summary says.
  return textsOf(item.content) ?? textsOf(item.summary)
}

const textsOf = (parts: unknown): string | undefined => {
  const texts = (Array.isArray(parts) ? parts : []).filter((p: Json) => typeof p?.text === 'string' && p.text).map((p: Json) => p.text as string)
  return texts.length > 0 ? texts.join('\n\n') : undefined
}

/** The reasoning item of an answer whose reasoning text is `text`, or undefined when the client wants none. */
export function reasoningItem(id: string, text: string, request: Json): Json | undefined {
  const wanted = reasoningWanted(request)
  if (!text || (!wanted.summary && !wanted.encrypted)) return undefined
  const item: Json = { id, type: 'reasoning', summary: wanted.summary ? [{ type: 'summary_text', text }] : [] }
  if (wanted.encrypted) item.encrypted_content = encodeReasoning(text)
  return item
}
