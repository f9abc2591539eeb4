import { describe, expect, test } from 'bun:test'
import type { JsonObject } from '../../../../src/openai/validate'
import { messageToChat } from '../../../../src/dialects/translate/chat-messages-answer'
import { chatToMessages } from '../../../../src/dialects/translate/chat-messages-request'

// An `anthropic` upstream's JSON message → the chat completion, one row per kind of message (DESIGN §1.8).

const CONTEXT = { id: 'chatcmpl-test0001', created: 1_767_225_600 }
const USAGE = { input_tokens: 12, cache_creation_input_tokens: 100, cache_read_input_tokens: 400, output_tokens: 30 }
const message = (content: unknown[], stop = 'end_turn', usage: Record<string, unknown> = USAGE) => ({
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, stop_reason: stop, stop_sequence: null, usage,
})
const toolUse = (id: string, input: unknown) => ({ type: 'tool_use', id, name: 'get_weather', input })

interface Case {
  name: string
  message: Record<string, unknown>
  /** The completion's first choice (toMatchObject). */
  choice: Record<string, unknown>
  usage?: Record<string, unknown>
}

const cases: Case[] = [
  {
    name: 'text: content, stop; the prompt counts cache reads and writes, cache reads as cached_tokens, writes as cache_write_tokens',
    message: message([{ type: 'text', text: 'Bonjour!' }]),
    choice: { index: 0, message: { role: 'assistant', content: 'Bonjour!', refusal: null }, logprobs: null, finish_reason: 'stop' },
    usage: { prompt_tokens: 512, completion_tokens: 30, total_tokens: 542, prompt_tokens_details: { cached_tokens: 400, cache_write_tokens: 100 } },
  },
  {
    name: 'text blocks cut around citations: joined as they are',
    message: message([{ type: 'text', text: 'The grass ' }, { type: 'text', text: 'is green', citations: [{ type: 'char_location', cited_text: 'green' }] }, { type: 'text', text: '.' }]),
    choice: { message: { content: 'The grass is green.' } },
  },
  {
    name: 'thinking → reasoning_content; redacted thinking says nothing',
    message: message([{ type: 'thinking', thinking: 'Six sevens.', signature: 'ErUB…' }, { type: 'redacted_thinking', data: 'EmwK…' }, { type: 'text', text: '42.' }], 'end_turn', { ...USAGE, output_tokens_details: { thinking_tokens: 20 } }),
    choice: { message: { content: '42.', reasoning_content: 'Six sevens.' } },
    usage: { completion_tokens_details: { reasoning_tokens: 20 } },
  },
  {
    name: 'tool_use → tool_calls (arguments: the input\'s JSON), content null; tool_use → tool_calls',
    message: message([toolUse('toolu_01A', { city: 'Paris' }), toolUse('toolu_01B', {})], 'tool_use'),
    choice: {
      message: { content: null, tool_calls: [
        { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
      ] },
      finish_reason: 'tool_calls',
    },
  },
  { name: 'max_tokens → length', message: message([{ type: 'text', text: 'Once' }], 'max_tokens'), choice: { finish_reason: 'length' } },
  { name: 'model_context_window_exceeded → length', message: message([{ type: 'text', text: 'Once' }], 'model_context_window_exceeded'), choice: { finish_reason: 'length' } },
  { name: 'stop_sequence → stop', message: message([{ type: 'text', text: 'Done' }], 'stop_sequence'), choice: { finish_reason: 'stop' } },
  { name: 'refusal → content_filter', message: message([], 'refusal'), choice: { message: { content: '' }, finish_reason: 'content_filter' } },
  { name: 'pause_turn → stop', message: message([{ type: 'text', text: 'Searching' }], 'pause_turn'), choice: { finish_reason: 'stop' } },
]

describe('messageToChat', () => {
  test.each(cases.map((c) => [c.name, c]))('%s', (_name, c) => {
    const completion = messageToChat(c.message, CONTEXT)
    expect(completion).toMatchObject({ id: CONTEXT.id, object: 'chat.completion', created: CONTEXT.created, model: 'claude-sonnet-4-5-20250929' })
    expect(completion.choices).toHaveLength(1)
    expect(completion.choices[0]).toMatchObject(c.choice)
    if (c.usage) expect(completion.usage).toMatchObject(c.usage)
  })

  test('a tool round trip: the calls sent back reach Anthropic as the tool_use blocks they were', () => {
    const answer = message([{ type: 'text', text: 'Checking.' }, toolUse('toolu_01A', { city: 'Paris', days: [1, 2] })], 'tool_use')
    const completion = messageToChat(answer, CONTEXT)
    const request: JsonObject = {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Weather?' }, completion.choices[0].message, { role: 'tool', tool_call_id: 'toolu_01A', content: 'Sunny' }],
    }
    const { body } = chatToMessages(request, 'anthropic')
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: answer.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'Sunny' }] },
    ])
  })
})
