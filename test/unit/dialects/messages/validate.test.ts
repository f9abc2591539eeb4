import { describe, expect, test } from 'bun:test'
import { capOutputTokens, clampOutputTokens, validateBody } from '../../../../src/dialects'
import type { JsonObject } from '../../../../src/openai/validate'
import { apiError } from '../../../helpers/api-error'

const req = (extra: JsonObject = {}): JsonObject => ({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], ...extra })
const without = (field: string) => {
  const body = req()
  delete body[field]
  return body
}
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] })

describe('a Messages request is refused with 400 naming the field', () => {
  const cases: Array<[string, JsonObject, string, string]> = [
    ['model missing', without('model'), 'model', 'missing_required_parameter'],
    ['model a number', req({ model: 4 }), 'model', 'invalid_type'],
    ['max_tokens missing (Anthropic requires it)', without('max_tokens'), 'max_tokens', 'missing_required_parameter'],
    ['max_tokens null', req({ max_tokens: null }), 'max_tokens', 'missing_required_parameter'],
    ['max_tokens 0', req({ max_tokens: 0 }), 'max_tokens', 'invalid_type'],
    ['max_tokens 2.5', req({ max_tokens: 2.5 }), 'max_tokens', 'invalid_type'],
    ['max_tokens "100"', req({ max_tokens: '100' }), 'max_tokens', 'invalid_type'],
    ['messages missing', without('messages'), 'messages', 'missing_required_parameter'],
    ['messages empty', req({ messages: [] }), 'messages', 'empty_array'],
    ['messages a string', req({ messages: 'hi' }), 'messages', 'invalid_type'],
    ['messages[0] a string', req({ messages: ['hi'] }), 'messages[0]', 'invalid_type'],
    ['messages[1].role "tool"', req({ messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: 'x' }] }), 'messages[1].role', 'invalid_type'],
    ['messages[0].role missing', req({ messages: [{ content: 'hi' }] }), 'messages[0].role', 'invalid_type'],
    ['messages[0].content missing', req({ messages: [{ role: 'user' }] }), 'messages[0].content', 'missing_required_parameter'],
    ['messages[0].content an object', req(user({ type: 'text', text: 'hi' })), 'messages[0].content', 'invalid_type'],
    ['messages[0].content[1] a string', req(user([{ type: 'text', text: 'hi' }, 'there'])), 'messages[0].content[1]', 'invalid_type'],
    ['messages[0].content[0] without a type', req(user([{ text: 'hi' }])), 'messages[0].content[0].type', 'invalid_type'],
    ['system a number', req({ system: 42 }), 'system', 'invalid_type'],
    ['system[0] an image block', req({ system: [{ type: 'image', source: {} }] }), 'system[0]', 'invalid_type'],
    ['system[1] a string', req({ system: [{ type: 'text', text: 'a' }, 'b'] }), 'system[1]', 'invalid_type'],
    ['stream "yes"', req({ stream: 'yes' }), 'stream', 'invalid_type'],
    ['tools an object', req({ tools: { name: 'f', input_schema: {} } }), 'tools', 'invalid_type'],
    ['tools with a string', req({ tools: ['get_weather'] }), 'tools', 'invalid_type'],
    ['stop_sequences a string', req({ stop_sequences: 'END' }), 'stop_sequences', 'invalid_type'],
    ['stop_sequences with a number', req({ stop_sequences: ['END', 7] }), 'stop_sequences', 'invalid_type'],
    ['thinking true', req({ thinking: true }), 'thinking', 'invalid_type'],
    ['thinking without a type', req({ thinking: { budget_tokens: 2048 } }), 'thinking.type', 'invalid_type'],
    ['thinking enabled without a budget', req({ thinking: { type: 'enabled' } }), 'thinking.budget_tokens', 'missing_required_parameter'],
    ['thinking budget under 1024', req({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1023 } }), 'thinking.budget_tokens', 'invalid_type'],
    ['thinking budget "2048"', req({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: '2048' } }), 'thinking.budget_tokens', 'invalid_type'],
  ]

  test.each(cases)('%s', (_name, body, param, code) => {
    const error = apiError(() => validateBody('messages', body))
    expect(error.status).toBe(400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.param).toBe(param)
    expect(error.code).toBe(code)
  })
})

describe('valid Messages requests pass untouched', () => {
  const valid: Array<[string, JsonObject]> = [
    ['a string question', req()],
    [
      "Claude Code's shape: system blocks with cache_control, tools, thinking, metadata, a stream",
      req({
        max_tokens: 32000,
        stream: true,
        system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: {} } }],
        thinking: { type: 'enabled', budget_tokens: 31999 },
        metadata: { user_id: 'user_abc' },
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
      }),
    ],
    ['a system-role message after the user (Claude Code, a model that is not Claude)', req({ messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: 'Be brief.' }] })],
    [
      'a tool round: tool_use, tool_result, images, thinking blocks in history',
      req({
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'weather?' }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'tool_use', id: 'toolu_1', name: 'w', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
        ],
      }),
    ],
    ['thinking disabled', req({ thinking: { type: 'disabled' } })],
    ['thinking adaptive (no budget)', req({ thinking: { type: 'adaptive' } })],
    ['a system string, empty stop_sequences, null fields', req({ system: 'Be brief.', stop_sequences: [], tools: null, thinking: null, stream: null })],
  ]

  test.each(valid)('%s', (_name, body) => {
    const before = structuredClone(body)
    expect(() => validateBody('messages', body)).not.toThrow()
    expect(body).toEqual(before)
  })
})

describe('the output cap on Messages: max_tokens, and thinking kept under it', () => {
  // Claude Code asks for 32,000 tokens with a 31,999-token thinking budget.
  const claudeCode = () => req({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } })

  const cases: Array<[string, JsonObject, number, JsonObject, boolean, string | undefined]> = [
    ["Claude Code under a 300 cap: thinking off", claudeCode(), 300, { max_tokens: 300, thinking: { type: 'disabled' } }, true, 'thinking=off'],
    ["Claude Code under a 4000 cap: budget 3999", claudeCode(), 4000, { max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 3999 } }, true, 'thinking-budget=3999'],
    ["Claude Code under a 40000 cap: unchanged", claudeCode(), 40000, { max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } }, false, undefined],
    ['a cap of 1025: budget 1024, the minimum', claudeCode(), 1025, { max_tokens: 1025, thinking: { type: 'enabled', budget_tokens: 1024 } }, true, 'thinking-budget=1024'],
    ['a cap of 1024: budget would be 1023, thinking off', claudeCode(), 1024, { max_tokens: 1024, thinking: { type: 'disabled' } }, true, 'thinking=off'],
    ['a budget already under the cap: only max_tokens lowered', req({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 2048 } }), 8000, { max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 2048 } }, true, undefined],
    ['the budget equal to the capped max_tokens: lowered under it', req({ max_tokens: 9000, thinking: { type: 'enabled', budget_tokens: 8000 } }), 8000, { max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 7999 } }, true, 'thinking-budget=7999'],
    ['no thinking: only max_tokens', req({ max_tokens: 32000 }), 300, { max_tokens: 300 }, true, undefined],
    ['thinking disabled: left so', req({ max_tokens: 32000, thinking: { type: 'disabled' } }), 300, { max_tokens: 300, thinking: { type: 'disabled' } }, true, undefined],
    ['cap 0 (none): untouched', claudeCode(), 0, { max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } }, false, undefined],
  ]

  test.each(cases)('%s', (_name, body, cap, expected, changed, note) => {
    expect(capOutputTokens('messages', body, cap)).toEqual(note === undefined ? { changed } : { changed, note })
    expect(body).toMatchObject(expected)
    expect(body.thinking).toEqual(expected.thinking)
  })

  test("the budget keeps the thinking object's other fields", () => {
    const body = req({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999, display: 'summarized' } })
    capOutputTokens('messages', body, 4000)
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 3999, display: 'summarized' })
  })

  test('clampOutputTokens does the same, without the note', () => {
    const body = req({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } })
    expect(clampOutputTokens('messages', body, 300)).toBe(true)
    expect(body).toMatchObject({ max_tokens: 300, thinking: { type: 'disabled' } })
  })

  test('other dialects have no note', () => {
    expect(capOutputTokens('chat', { model: 'm', messages: [], max_tokens: 9000 }, 300)).toEqual({ changed: true })
    expect(capOutputTokens('responses', { model: 'm', input: 'x', max_output_tokens: 10 }, 300)).toEqual({ changed: false })
  })
})
