// A chat-only upstream's reasoning text (DeepSeek's and Moonshot's `reasoning_content`) as Anthropic
// `thinking` blocks, and back (DESIGN §1.8). The round trip matters more than the display: DeepSeek's
// thinking mode refuses a tool-call turn whose assistant message lost its `reasoning_content`, and Claude
// Code sends every thinking block back as it got it. So the block's `signature` — opaque to every client —
// carries the text itself, marked as the proxy's: the text comes back even from a client that asked for
// thinking `display: 'omitted'` (an empty `thinking`, as Anthropic sends then), and a real Claude signature
// (a conversation begun on Anthropic) is never mistaken for ours. It is the model's own text for the same
// client, not a secret: only marked, not encrypted (as responses-chat-reasoning.ts does for Responses).

type Json = Record<string, any>

const MARK = 'pgpt-thinking-v1.'

/** How a Messages request wants thinking shown: the text (`enabled`, `adaptive`), only the carrier, or nothing. */
export function thinkingWanted(request: Json): 'text' | 'omitted' | 'none' {
  const thinking = request.thinking
  if (!thinking || typeof thinking !== 'object' || thinking.type === 'disabled' || typeof thinking.type !== 'string') return 'none'
  return thinking.display === 'omitted' ? 'omitted' : 'text'
}

export const encodeThinkingSignature = (text: string) => MARK + Buffer.from(text, 'utf8').toString('base64')

/** Whether a thinking block's signature is one the proxy made (so no Anthropic upstream could check it). */
export const isProxySignature = (signature: unknown): boolean => typeof signature === 'string' && signature.startsWith(MARK)

/** The text a thinking block of the history carries: ours from its signature, else its `thinking`. */
export function thinkingTextOf(block: Json): string {
  if (isProxySignature(block.signature)) return Buffer.from((block.signature as string).slice(MARK.length), 'base64').toString('utf8')
  return typeof block.thinking === 'string' ? block.thinking : ''
}

/**
 * The thinking block of an answer whose reasoning text is `text`. A request that did not ask for thinking
 * gets one only when the answer calls tools, with no text — the carrier alone, just before the first call
 * (a stream learns of the call after any text) — since its next request must give the reasoning back.
 */
export function thinkingBlock(text: string, wanted: 'text' | 'omitted' | 'none'): Json {
  return { type: 'thinking', thinking: wanted === 'text' ? text : '', signature: encodeThinkingSignature(text) }
}
