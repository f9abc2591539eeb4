// The bench fake upstream's Responses API (`POST /v1/responses`), for the matrix's Responses cells: the
// response object in OpenAI's full shape, or the event stream OpenAI sends for a one-message answer —
// `response.created`, `response.in_progress`, the item and content part opened, one `response.output_text.delta`
// per word, their `.done` events, `response.completed` — each with its `sequence_number`, as the OpenAI SDK's
// stream helper and the AI SDK read it. Every response gets ids of its own (OpenAI never hands out one twice,
// and proxy-gpt remembers which key made each id), so the text is kept per question with a placeholder
// where the ids go, filled in per request: the fake stays cheap next to what is measured.

/** Where a response's id goes in a kept answer (fake-messages.ts uses it too). */
export const ID = '@@id@@'
const encoder = new TextEncoder()

/** The text of the last user message of a Responses `input` (a string, or items with text parts). */
export function lastUserInput(body: any): string {
  if (typeof body?.input === 'string') return body.input
  const items: any[] = Array.isArray(body?.input) ? body.input : []
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]
    if (item?.role !== 'user') continue
    if (typeof item.content === 'string') return item.content
    return (Array.isArray(item.content) ? item.content : []).map((part: any) => (typeof part?.text === 'string' ? part.text : '')).join('\n')
  }
  return ''
}

function responseObject(body: any, content: string, status: 'in_progress' | 'completed') {
  const done = status === 'completed'
  const words = content.split(/(?<= )/).length
  const message = { id: `msg_${ID}`, type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text: content }], role: 'assistant' }
  return {
    id: `resp_${ID}`,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    background: false,
    completed_at: done ? 1_700_000_001 : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: String(body.model ?? 'gpt-4o-mini'),
    output: done ? [message] : [],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: body.store ?? true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    usage: done ? { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: words, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 12 + words } : null,
    user: null,
    metadata: {},
  }
}

/** The JSON answer, with the placeholder for its ids. */
export function responseJsonTemplate(body: any, content: string): string {
  return JSON.stringify(responseObject(body, content, 'completed'))
}

/** The SSE events of the answer, one string each, with the placeholder for its ids. */
export function responseEventsTemplate(body: any, content: string): string[] {
  const events: string[] = []
  const push = (type: string, fields: object) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: events.length, ...fields })}\n\n`)
  const final = responseObject(body, content, 'completed')
  const message = final.output[0]!
  const part = message.content[0]!
  const at = { item_id: message.id, output_index: 0 }
  push('response.created', { response: responseObject(body, content, 'in_progress') })
  push('response.in_progress', { response: responseObject(body, content, 'in_progress') })
  push('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } })
  push('response.content_part.added', { ...at, content_index: 0, part: { ...part, text: '' } })
  for (const delta of content.split(/(?<= )/)) push('response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [], obfuscation: 'bXk' })
  push('response.output_text.done', { ...at, content_index: 0, text: content, logprobs: [] })
  push('response.content_part.done', { ...at, content_index: 0, part })
  push('response.output_item.done', { output_index: 0, item: message })
  push('response.completed', { response: final })
  return events
}

/** One answer's bytes: the template with this response's ids in it. */
export const withIds = (template: string, id: string) => encoder.encode(template.replaceAll(ID, id))
