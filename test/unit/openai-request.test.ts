import { describe, expect, test } from 'bun:test'
import { apiError } from '../helpers/api-error'
import { clampOutputTokens } from '../../src/openai/clamp'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOwnPath, requestTarget, upstreamPath, type Endpoint } from '../../src/openai/endpoints'
import { parseJsonObject, validateBody, type JsonObject } from '../../src/openai/validate'

const path = (url: string) => upstreamPath(new URL(url, 'http://proxy.local'))

describe('upstreamPath', () => {
  test.each([
    ['/v1/chat/completions', '/chat/completions'],
    ['/chat/completions', '/chat/completions'],
    ['/v1/models?limit=5&after=x', '/models?limit=5&after=x'],
    ['/models?limit=5', '/models?limit=5'],
    ['/v1', '/'],
    ['/v1/', '/'],
    ['/', '/'],
    ['/v1beta/models', '/v1beta/models'],
    ['/v1beta', '/v1beta'],
    ['/v10/x', '/v10/x'],
    ['/v1/v1/files', '/v1/files'],
    ['/api/v1/chat/completions', '/api/v1/chat/completions'],
  ])('%p → %p', (input, expected) => {
    expect(path(input)).toBe(expected)
  })
})

describe('endpointOf', () => {
  test('POST to the understood paths', () => {
    expect(endpointOf('POST', '/chat/completions')).toBe('chat')
    expect(endpointOf('POST', '/completions')).toBe('completions')
    expect(endpointOf('POST', '/embeddings')).toBe('embeddings')
    expect(endpointOf('POST', '/responses')).toBe('responses')
  })

  test('trailing slashes and query strings are ignored', () => {
    expect(endpointOf('POST', '/chat/completions/')).toBe('chat')
    expect(endpointOf('POST', '/embeddings//')).toBe('embeddings')
    expect(endpointOf('POST', '/chat/completions?api-version=2024-06-01')).toBe('chat')
    expect(endpointOf('POST', '/completions/?x=1')).toBe('completions')
  })

  test('only POST is understood', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
      expect(endpointOf(method, '/chat/completions')).toBeUndefined()
    }
  })

  test('other paths pass through', () => {
    expect(endpointOf('POST', '/models')).toBeUndefined()
    expect(endpointOf('POST', '/audio/transcriptions')).toBeUndefined()
    expect(endpointOf('POST', '/chat/completions/extra')).toBeUndefined()
    expect(endpointOf('POST', '/v1/chat/completions')).toBeUndefined() // callers pass upstreamPath's result
    expect(endpointOf('POST', '/')).toBeUndefined()
  })
})

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

describe('clampOutputTokens', () => {
  test('chat without a limit gets max_completion_tokens = cap', () => {
    const body = chat()
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_completion_tokens).toBe(300)
    expect('max_tokens' in body).toBe(false)
  })

  test('chat max_tokens 1000 → 300, and no max_completion_tokens is added', () => {
    const body = chat({ max_tokens: 1000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(300)
    expect('max_completion_tokens' in body).toBe(false)
  })

  test('chat max_completion_tokens 1000 → 300, and no max_tokens is added', () => {
    const body = chat({ max_completion_tokens: 1000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_completion_tokens).toBe(300)
    expect('max_tokens' in body).toBe(false)
  })

  test('chat with both: both clamped', () => {
    const body = chat({ max_tokens: 1000, max_completion_tokens: 4000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(300)
    expect(body.max_completion_tokens).toBe(300)
  })

  test('chat with both, one under the cap: only the other clamped', () => {
    const body = chat({ max_tokens: 50, max_completion_tokens: 4000 })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect(body.max_tokens).toBe(50)
    expect(body.max_completion_tokens).toBe(300)
  })

  test('lower values are untouched and nothing changes', () => {
    const body = chat({ max_tokens: 100 })
    expect(clampOutputTokens('chat', body, 300)).toBe(false)
    expect(body).toEqual(chat({ max_tokens: 100 }))

    const atCap = chat({ max_completion_tokens: 300 })
    expect(clampOutputTokens('chat', atCap, 300)).toBe(false)
    expect(atCap).toEqual(chat({ max_completion_tokens: 300 }))
  })

  test('an explicit null ("no limit") is replaced by the cap', () => {
    const body = chat({ max_tokens: null })
    expect(clampOutputTokens('chat', body, 300)).toBe(true)
    expect('max_tokens' in body).toBe(false)
    expect(body.max_completion_tokens).toBe(300)

    const both = chat({ max_tokens: null, max_completion_tokens: null })
    expect(clampOutputTokens('chat', both, 300)).toBe(true)
    expect(both).toEqual(chat({ max_completion_tokens: 300 }))

    const completions: JsonObject = { model: 'm', prompt: 'x', max_tokens: null }
    expect(clampOutputTokens('completions', completions, 300)).toBe(true)
    expect(completions).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })
  })

  test('completions: max_tokens', () => {
    const none: JsonObject = { model: 'm', prompt: 'x' }
    expect(clampOutputTokens('completions', none, 300)).toBe(true)
    expect(none).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })

    const over: JsonObject = { model: 'm', prompt: 'x', max_tokens: 301 }
    expect(clampOutputTokens('completions', over, 300)).toBe(true)
    expect(over).toEqual({ model: 'm', prompt: 'x', max_tokens: 300 })

    const under: JsonObject = { model: 'm', prompt: 'x', max_tokens: 16 }
    expect(clampOutputTokens('completions', under, 300)).toBe(false)
    expect(under.max_tokens).toBe(16)
  })

  test('responses: max_output_tokens', () => {
    const none: JsonObject = { model: 'm', input: 'x' }
    expect(clampOutputTokens('responses', none, 300)).toBe(true)
    expect(none).toEqual({ model: 'm', input: 'x', max_output_tokens: 300 })

    const over: JsonObject = { model: 'm', input: 'x', max_output_tokens: 9000 }
    expect(clampOutputTokens('responses', over, 300)).toBe(true)
    expect(over).toEqual({ model: 'm', input: 'x', max_output_tokens: 300 })
    expect('max_tokens' in over).toBe(false)
  })

  test('embeddings are untouched', () => {
    const body: JsonObject = { model: 'm', input: 'x' }
    expect(clampOutputTokens('embeddings', body, 300)).toBe(false)
    expect(body).toEqual({ model: 'm', input: 'x' })
  })

  test('cap 0 means no cap: untouched', () => {
    const none = chat()
    expect(clampOutputTokens('chat', none, 0)).toBe(false)
    expect(none).toEqual(chat())

    const big = chat({ max_tokens: 100_000 })
    expect(clampOutputTokens('chat', big, 0)).toBe(false)
    expect(big.max_tokens).toBe(100_000)

    const nulls: JsonObject = { model: 'm', input: 'x', max_output_tokens: null }
    expect(clampOutputTokens('responses', nulls, 0)).toBe(false)
    expect(nulls.max_output_tokens).toBeNull()
  })
})

describe('requestTarget', () => {
  test.each([
    ['http://proxy.local/v1/models?limit=5', '/v1/models', '?limit=5'],
    ['https://h:8443/v1/chat/completions', '/v1/chat/completions', ''],
    ['/v1/models', '/v1/models', ''], // Bun hands over the bare target when the Host header is unusable
    ['http://a b/v1/x?q#frag', '/v1/x', '?q'],
    ['http://host', '/', ''],
    ['garbage', '/', ''],
  ])('%p → %p %p', (url, pathname, search) => {
    expect(requestTarget(url)).toEqual({ pathname, search })
  })
})

describe('isAmbiguousPath', () => {
  test('empty segments and encoded slashes or backslashes', () => {
    for (const path of ['/v1//chat/completions', '//v1/models', '/v1/chat/completions//', '/v1/chat%2Fcompletions', '/v1/a%2fb', '/v1/a%5Cb', '/v1/a\\b']) {
      expect(isAmbiguousPath(path)).toBe(true)
    }
    for (const path of ['/v1/chat/completions', '/v1/chat/completions/', '/v1/files/file-%41bc', '/']) expect(isAmbiguousPath(path)).toBe(false)
  })
})

describe('apiGroupOf', () => {
  test.each([
    ['/chat/completions', 'chat'],
    ['/chat/completions/chatcmpl-1/messages', 'chat'],
    ['/completions', 'completions'],
    ['/embeddings', 'embeddings'],
    ['/models', 'models'],
    ['/models/gpt-4o-mini', 'models'],
    ['/responses/resp_1/input_items', 'responses'],
    ['/conversations/conv_1/items', 'responses'],
    ['/files/file-1/content?x=1', 'files'],
    ['/audio/transcriptions', 'audio'],
    ['/images/generations', 'images'],
    ['/moderations', 'moderations'],
    ['/fine_tuning/jobs', 'fine_tuning'],
    ['/vector_stores/vs_1/files', 'vector_stores'],
    ['/realtime/client_secrets', 'realtime'],
    ['/embeddings/', 'embeddings'],
  ])('%p → %p', (path, group) => {
    expect(apiGroupOf(path)).toBe(group as any)
  })

  test('outside the API', () => {
    for (const path of ['/', '/chat', '/chat/other', '/completions/x', '/embeddings/x', '/organization/users', '/key/generate', '/health', '/admin', '/v1/models', '/dashboard/billing/usage']) {
      expect(apiGroupOf(path)).toBeUndefined()
    }
  })

  test("the proxy's own paths, with or without /v1", () => {
    for (const path of ['/admin', '/admin/cache', '/stats', '/stats/x', '/metrics', '/health', '/swagger', '/swagger/json', '/v1/health', '/v1/admin/x']) {
      expect(isOwnPath(path)).toBe(true)
    }
    for (const path of ['/v1/models', '/administer', '/healthz', '/statsd']) expect(isOwnPath(path)).toBe(false)
  })
})
