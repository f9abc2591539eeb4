import { describe, expect, test } from 'bun:test'
import { apiError } from '../../helpers/api-error'
import type { Endpoint } from '../../../src/openai/endpoints'
import { validateBody } from '../../../src/dialects'
import { parseJsonObject, type JsonObject } from '../../../src/openai/validate'

const chat = (extra: JsonObject = {}): JsonObject => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra })

describe('parseJsonObject', () => {
  test('an object parses', () => {
    expect(parseJsonObject('{"model":"m","n":1}')).toEqual({ model: 'm', n: 1 })
  })

  test.each(['{', '', 'not json', '[1,2]', '"text"', '42', 'null'])('%p is a 400 invalid_json with no param', (text) => {
    const error = apiError(() => parseJsonObject(text))
    expect(error.status).toBe(400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.code).toBe('invalid_json')
    expect(error.param).toBeNull()
  })
})

describe('validateBody rejects with 400 and the exact param', () => {
  const cases: Array<[string, Endpoint, JsonObject, string, string]> = [
    ['model missing', 'chat', { messages: [{ role: 'user', content: 'hi' }] }, 'model', 'missing_required_parameter'],
    ['model a number', 'chat', chat({ model: 4 }), 'model', 'invalid_type'],
    ['model empty', 'chat', chat({ model: '' }), 'model', 'invalid_type'],
    ['model missing (completions)', 'completions', { prompt: 'x' }, 'model', 'missing_required_parameter'],
    ['model missing (embeddings)', 'embeddings', { input: 'x' }, 'model', 'missing_required_parameter'],
    ['responses model a number', 'responses', { model: 4, input: 'hi' }, 'model', 'invalid_type'],
    ['messages missing', 'chat', { model: 'm' }, 'messages', 'missing_required_parameter'],
    ['messages not an array', 'chat', chat({ messages: { role: 'user', content: 'hi' } }), 'messages', 'invalid_type'],
    ['messages a string', 'chat', chat({ messages: 'hi' }), 'messages', 'invalid_type'],
    ['messages empty', 'chat', chat({ messages: [] }), 'messages', 'empty_array'],
    ['messages[0] not an object', 'chat', chat({ messages: ['hi'] }), 'messages[0]', 'invalid_type'],
    ['messages[0] null', 'chat', chat({ messages: [null] }), 'messages[0]', 'invalid_type'],
    ['messages[1] an array', 'chat', chat({ messages: [{ role: 'user', content: 'a' }, []] }), 'messages[1]', 'invalid_type'],
    [
      'messages[2].role missing',
      'chat',
      chat({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }, { content: 'no role' }] }),
      'messages[2].role',
      'invalid_type',
    ],
    ['messages[0].role a number', 'chat', chat({ messages: [{ role: 1, content: 'x' }] }), 'messages[0].role', 'invalid_type'],
    ['messages[0].content an object', 'chat', chat({ messages: [{ role: 'user', content: { text: 'x' } }] }), 'messages[0].content', 'invalid_type'],
    ['prompt missing', 'completions', { model: 'm' }, 'prompt', 'missing_required_parameter'],
    ['prompt an object', 'completions', { model: 'm', prompt: { text: 'x' } }, 'prompt', 'invalid_type'],
    ['prompt mixed array', 'completions', { model: 'm', prompt: ['a', 1] }, 'prompt', 'invalid_type'],
    ['input missing', 'embeddings', { model: 'm' }, 'input', 'missing_required_parameter'],
    ['input a number', 'embeddings', { model: 'm', input: 42 }, 'input', 'invalid_type'],
    ['input an empty array', 'embeddings', { model: 'm', input: [] }, 'input', 'invalid_type'],
    ['input fractional token ids', 'embeddings', { model: 'm', input: [1.5, 2] }, 'input', 'invalid_type'],
    ['stream "yes"', 'chat', chat({ stream: 'yes' }), 'stream', 'invalid_type'],
    ['stream 1 (completions)', 'completions', { model: 'm', prompt: 'x', stream: 1 }, 'stream', 'invalid_type'],
    ['max_tokens 0', 'chat', chat({ max_tokens: 0 }), 'max_tokens', 'invalid_type'],
    ['max_tokens 1.5', 'chat', chat({ max_tokens: 1.5 }), 'max_tokens', 'invalid_type'],
    ['max_tokens "100"', 'chat', chat({ max_tokens: '100' }), 'max_tokens', 'invalid_type'],
    ['max_tokens -1 (completions)', 'completions', { model: 'm', prompt: 'x', max_tokens: -1 }, 'max_tokens', 'invalid_type'],
    ['max_completion_tokens 0', 'chat', chat({ max_completion_tokens: 0 }), 'max_completion_tokens', 'invalid_type'],
    ['n 0', 'chat', chat({ n: 0 }), 'n', 'invalid_type'],
    ['max_output_tokens 2.5 (responses)', 'responses', { model: 'm', input: 'x', max_output_tokens: 2.5 }, 'max_output_tokens', 'invalid_type'],
  ]

  test.each(cases)('%s', (_name, endpoint, body, param, code) => {
    const error = apiError(() => validateBody(endpoint, body))
    expect(error.status).toBe(400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.param).toBe(param)
    expect(error.code).toBe(code)
    expect(error.message).toContain(`'${param}'`)
    expect(error.toBody()).toEqual({ error: { message: error.message, type: 'invalid_request_error', param, code } })
  })
})

describe('validateBody accepts valid bodies, unknown fields included', () => {
  const valid: Array<[string, Endpoint, JsonObject]> = [
    [
      'chat with everything',
      'chat',
      chat({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'tool', content: 'result', tool_call_id: 'c1' },
        ],
        stream: true,
        max_tokens: 1,
        max_completion_tokens: 5000,
        n: 2,
        temperature: 0.2,
        custom_vendor_field: { nested: [1, 2, 3] },
      }),
    ],
    ['chat with explicit nulls', 'chat', chat({ stream: null, max_tokens: null, max_completion_tokens: null, n: null })],
    ['completions string', 'completions', { model: 'm', prompt: 'once upon', max_tokens: 16, echo: true }],
    ['completions strings', 'completions', { model: 'm', prompt: ['a', 'b'] }],
    ['completions token ids', 'completions', { model: 'm', prompt: [1, 2, 3] }],
    ['completions token-id arrays', 'completions', { model: 'm', prompt: [[1, 2], [3]] }],
    ['embeddings string', 'embeddings', { model: 'm', input: 'hello', dimensions: 256, encoding_format: 'float' }],
    ['embeddings strings', 'embeddings', { model: 'm', input: ['a', 'b'] }],
    ['embeddings token ids', 'embeddings', { model: 'm', input: [1, 2] }],
    ['responses without model', 'responses', { input: 'hi', previous_response_id: 'r1' }],
    ['responses with cap', 'responses', { model: 'm', input: [{ role: 'user', content: 'hi' }], max_output_tokens: 10, unknown: 1 }],
  ]

  test.each(valid)('%s', (_name, endpoint, body) => {
    const before = structuredClone(body)
    expect(() => validateBody(endpoint, body)).not.toThrow()
    expect(body).toEqual(before) // validation never changes the body
  })
})
