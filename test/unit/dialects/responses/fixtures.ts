import type { StoredAnswer } from '../../../../src/openai/answer'

// Responses as OpenAI makes them: a stored response with a reasoning item, a message and a function call,
// and the stream an upstream sends for it, written out event by event as OpenAI's API sends them (with its
// `obfuscation` padding), not made by the proxy's own writer.

export const RESPONSE_ID = 'resp_68a1f0c2b7d48193a6f4e5d2c1b0a9f80e7d6c5b4a392817'
export const REASONING_ID = 'rs_68a1f0c3aa9c8193b2c1d0e9f8a7b6c50d4e3f2a1b0c9d8e'
export const MESSAGE_ID = 'msg_68a1f0c5d4e88193a1b2c3d4e5f6a7b80c9d0e1f2a3b4c5d'
export const CALL_ITEM_ID = 'fc_68a1f0c6f1a08193c3d4e5f6a7b8c9d00e1f2a3b4c5d6e7f'
export const CALL_ID = 'call_Wq3bX9kLm2Np7Rt5'
export const ARGS = '{"location": "Paris, France", "unit": "celsius"}'
export const TEXT = 'Paris is sunny today.  I will check the forecast,\nthen tell you more. 🌤'
export const SUMMARY = ['**Checking the weather** The user wants Paris weather; a tool call is needed.', 'Then answer briefly.']

export const USAGE = {
  input_tokens: 81,
  input_tokens_details: { cached_tokens: 64 },
  output_tokens: 57,
  output_tokens_details: { reasoning_tokens: 22 },
  total_tokens: 138,
}

const echoed = {
  background: false,
  instructions: 'Be brief.',
  max_output_tokens: 300,
  max_tool_calls: null,
  metadata: { team: 'alpha' },
  parallel_tool_calls: true,
  previous_response_id: null,
  prompt_cache_key: 'alpha-cache',
  reasoning: { effort: 'low', summary: 'auto' },
  safety_identifier: 'user-alpha',
  service_tier: 'default',
  store: true,
  temperature: 1,
  text: { format: { type: 'text' }, verbosity: 'medium' },
  tool_choice: 'auto',
  tools: [{ type: 'function', name: 'get_weather', description: 'Weather of a place', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } } }, strict: false }],
  top_logprobs: 0,
  top_p: 1,
  truncation: 'disabled',
  user: null,
}

export const REASONING_ITEM = { id: REASONING_ID, type: 'reasoning', summary: SUMMARY.map((text) => ({ type: 'summary_text', text })) }
export const MESSAGE_ITEM = {
  id: MESSAGE_ID,
  type: 'message',
  status: 'completed',
  content: [{ type: 'output_text', annotations: [], logprobs: [], text: TEXT }],
  role: 'assistant',
}
export const CALL_ITEM = { id: CALL_ITEM_ID, type: 'function_call', status: 'completed', arguments: ARGS, call_id: CALL_ID, name: 'get_weather' }

const shell = {
  id: RESPONSE_ID,
  object: 'response',
  created_at: 1755443394,
  error: null,
  incomplete_details: null,
  model: 'gpt-5-mini-2025-08-07',
  ...echoed,
}

export const STORED: StoredAnswer = {
  endpoint: 'responses',
  body: { ...shell, status: 'completed', completed_at: 1755443399, output: [REASONING_ITEM, MESSAGE_ITEM, CALL_ITEM], usage: USAGE },
}

/** A text-only answer, the commonest. */
export const TEXT_ONLY: StoredAnswer = {
  endpoint: 'responses',
  body: { ...shell, id: 'resp_text0001', status: 'completed', output: [{ ...MESSAGE_ITEM, id: 'msg_text0001' }], usage: USAGE },
}

const encoder = new TextEncoder()
let seq = 0
const ev = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`

function upstreamStream(): string {
  seq = 0
  const inProgress = { ...shell, status: 'in_progress', completed_at: null, output: [], usage: null }
  const out: string[] = [ev('response.created', { response: inProgress }), ev('response.in_progress', { response: inProgress })]
  // reasoning
  out.push(ev('response.output_item.added', { output_index: 0, item: { id: REASONING_ID, type: 'reasoning', summary: [] } }))
  SUMMARY.forEach((text, summary_index) => {
    const ref = { item_id: REASONING_ID, output_index: 0, summary_index }
    out.push(ev('response.reasoning_summary_part.added', { ...ref, part: { type: 'summary_text', text: '' } }))
    for (const delta of [text.slice(0, 9), text.slice(9, 30), text.slice(30)]) out.push(ev('response.reasoning_summary_text.delta', { ...ref, delta, obfuscation: 'k3' }))
    out.push(ev('response.reasoning_summary_text.done', { ...ref, text }))
    out.push(ev('response.reasoning_summary_part.done', { ...ref, part: { type: 'summary_text', text } }))
  })
  out.push(ev('response.output_item.done', { output_index: 0, item: REASONING_ITEM }))
  // message
  const msg = { item_id: MESSAGE_ID, output_index: 1, content_index: 0 }
  out.push(ev('response.output_item.added', { output_index: 1, item: { id: MESSAGE_ID, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }))
  out.push(ev('response.content_part.added', { ...msg, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } }))
  for (const delta of ['Paris', ' is', ' sunny today.  I will check the forecast,\nthen', ' tell you more. 🌤']) out.push(ev('response.output_text.delta', { ...msg, delta, logprobs: [], obfuscation: 'aZ' }))
  out.push(ev('response.output_text.done', { ...msg, text: TEXT, logprobs: [] }))
  out.push(ev('response.content_part.done', { ...msg, part: { type: 'output_text', annotations: [], logprobs: [], text: TEXT } }))
  out.push(ev('response.output_item.done', { output_index: 1, item: MESSAGE_ITEM }))
  // function call
  const fc = { item_id: CALL_ITEM_ID, output_index: 2 }
  out.push(ev('response.output_item.added', { output_index: 2, item: { ...CALL_ITEM, status: 'in_progress', arguments: '' } }))
  for (const delta of ['{"location":', ' "Paris, France",', ' "unit": "celsius"}']) out.push(ev('response.function_call_arguments.delta', { ...fc, delta, obfuscation: 'q' }))
  out.push(ev('response.function_call_arguments.done', { ...fc, arguments: ARGS }))
  out.push(ev('response.output_item.done', { output_index: 2, item: CALL_ITEM }))
  out.push(ev('response.completed', { response: STORED.body }))
  return out.join('')
}

export const UPSTREAM_TEXT = upstreamStream()
export const UPSTREAM = encoder.encode(UPSTREAM_TEXT)

/** The stream's events as sent, one string each. */
export const UPSTREAM_EVENTS = UPSTREAM_TEXT.split(/(?<=\n\n)/)
