import { describe, expect, test } from 'bun:test'
import { PASSTHROUGH_GROUPS } from '../../../../src/openai/endpoints'
import { upstreamRequestHeaders } from '../../../../src/upstream/headers'
import { anthropic, coolDownMs, listedModels, resetMs } from '../../../../src/upstream/providers/anthropic'

// Error bodies as Anthropic sends them (its errors page: `{"type":"error","error":{"type","message"}}`, with a
// `request_id`), and as DeepSeek's Anthropic endpoint does.
const anthropicError = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' })
const errors = {
  invalid: anthropicError('invalid_request_error', 'max_tokens: Field required'),
  credit: anthropicError('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'),
  auth: anthropicError('authentication_error', 'invalid x-api-key'),
  permission: anthropicError('permission_error', 'Your API key does not have permission to use the specified resource.'),
  notFound: anthropicError('not_found_error', 'model: claude-nonexistent'),
  tooLarge: anthropicError('request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
  limited: anthropicError('rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute.'),
  api: anthropicError('api_error', 'Internal server error'),
  overloaded: anthropicError('overloaded_error', 'Overloaded'),
  deepseekBalance: '{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}',
}

describe('the anthropic adapter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z')
  const at = (ms: number) => new Date(now + ms).toISOString()

  // status, body, headers → verdict, and for `cool` how long the key rests.
  test.each([
    [200, '{"id":"msg_01","type":"message"}', {}, 'answer', undefined],
    [400, errors.invalid, {}, 'answer', undefined],
    [404, errors.notFound, {}, 'answer', undefined],
    [413, errors.tooLarge, {}, 'answer', undefined],
    // The account, not the request: the key is set aside for every model.
    [400, errors.credit, {}, 'disable', undefined],
    [401, errors.auth, {}, 'disable', undefined],
    [403, errors.permission, {}, 'disable', undefined],
    [402, errors.deepseekBalance, {}, 'disable', undefined],
    // Rate limits: retry-after first, else the reset of the limit that is spent.
    [429, errors.limited, { 'retry-after': '7' }, 'cool', 7_000],
    [429, errors.limited, { 'retry-after': '7', 'anthropic-ratelimit-tokens-reset': at(40_000) }, 'cool', 7_000],
    [429, errors.limited, { 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': at(12_000), 'anthropic-ratelimit-tokens-remaining': '9000', 'anthropic-ratelimit-tokens-reset': at(45_000) }, 'cool', 12_000],
    [429, errors.limited, { 'anthropic-ratelimit-input-tokens-remaining': '0', 'anthropic-ratelimit-input-tokens-reset': at(8_000), 'anthropic-ratelimit-output-tokens-remaining': '0', 'anthropic-ratelimit-output-tokens-reset': at(21_000) }, 'cool', 21_000],
    [429, errors.limited, { 'anthropic-ratelimit-tokens-reset': at(9_000), 'anthropic-ratelimit-requests-reset': at(3_000) }, 'cool', 9_000],
    [429, errors.limited, { 'anthropic-ratelimit-output-tokens-reset': at(15 * 60_000) }, 'cool', 60_000],
    [429, errors.limited, { 'anthropic-ratelimit-requests-reset': at(-5_000) }, 'cool', 1_000],
    [429, errors.limited, { 'anthropic-ratelimit-requests-reset': 'soon' }, 'cool', 5_000],
    [429, errors.limited, {}, 'cool', 5_000],
    // The upstream's own trouble: the next upstream.
    [529, errors.overloaded, {}, 'next', undefined],
    [500, errors.api, {}, 'next', undefined],
    [502, '<html>Bad gateway</html>', {}, 'next', undefined],
    [503, '', { 'retry-after': '30' }, 'next', undefined],
  ] as const)('%p %s %j → %s %p', async (status, body, headers, verdict, ms) => {
    const classified = await anthropic.classify(new Response(body, { status, headers }))
    expect(classified.verdict).toBe(verdict)
    if (ms !== undefined) expect(anthropic.coolDownMs(classified.response.headers, now)).toBe(ms)
  })

  test('a success, a 404 and a 529 come back unread; a refusal or a 400 is read and kept whole', async () => {
    for (const [status, body] of [[200, '{"id":"msg_01"}'], [404, errors.notFound], [529, errors.overloaded]] as const) {
      const answer = new Response(body, { status })
      expect((await anthropic.classify(answer)).response).toBe(answer)
      expect(answer.bodyUsed).toBe(false)
    }
    for (const [status, body] of [[400, errors.credit], [400, errors.invalid], [429, errors.limited]] as const) {
      const refusal = new Response(body, { status, statusText: 'Refused', headers: { 'request-id': 'req_1' } })
      const { response } = await anthropic.classify(refusal)
      expect(response).not.toBe(refusal)
      expect([response.status, response.statusText, response.headers.get('request-id')]).toEqual([status, 'Refused', 'req_1'])
      expect(await response.text()).toBe(body)
    }
  })

  test('reset timestamps: RFC 3339 in UTC or with an offset, fractions of a second; anything else is no wait', () => {
    expect(resetMs('2026-12-01T10:00:30Z', now)).toBe(30_000)
    expect(resetMs('2026-12-01T10:00:02.500Z', now)).toBe(2_500)
    expect(resetMs('2026-12-01T11:00:10+01:00', now)).toBe(10_000)
    for (const odd of [null, '', '30', 'Tue, 01 Dec 2026 10:00:30 GMT', 'tomorrow', '2026-13-45T99:00:00Z']) expect(resetMs(odd, now)).toBeUndefined()
    expect(coolDownMs(new Headers({ 'anthropic-ratelimit-tokens-reset': '2026-12-01T10:00:04Z' }), now)).toBe(4_000)
  })

  test('URLs: the path and query below base_url, which holds the version (Claude Code\'s base URL does not)', () => {
    expect(anthropic.url('https://api.anthropic.com/v1', '/messages')).toBe('https://api.anthropic.com/v1/messages')
    expect(anthropic.url('https://api.deepseek.com/anthropic/v1', '/messages/count_tokens')).toBe('https://api.deepseek.com/anthropic/v1/messages/count_tokens')
    expect(anthropic.url('http://127.0.0.1:4000/v1', '/messages?beta=true')).toBe('http://127.0.0.1:4000/v1/messages?beta=true')
  })

  test('auth: the key in x-api-key and an anthropic-version, the client\'s when it sent one', () => {
    expect(anthropic.authHeaders('sk-ant-real', new Headers())).toEqual({ 'x-api-key': 'sk-ant-real', 'anthropic-version': '2023-06-01' })
    expect(anthropic.authHeaders('sk-ant-real', new Headers({ 'anthropic-version': '2024-10-22', authorization: 'Bearer proxy-key' }))).toEqual({
      'x-api-key': 'sk-ant-real',
      'anthropic-version': '2024-10-22',
    })
    expect(anthropic.authHeaders('sk-ant-real', new Headers({ 'anthropic-version': '  ' }))['anthropic-version']).toBe('2023-06-01')
  })

  test('what reaches the upstream: the real key only, the client\'s version and betas, none of its credentials', () => {
    const client = new Headers({
      'x-api-key': 'proxy-key-of-the-client',
      authorization: 'Bearer proxy-key-of-the-client',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      'anthropic-dangerous-direct-browser-access': 'true',
      'x-app': 'cli',
      'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)',
      'content-type': 'application/json',
    })
    const sent = upstreamRequestHeaders(client, anthropic.authHeaders('sk-ant-real', client))
    expect(sent.get('x-api-key')).toBe('sk-ant-real')
    expect(sent.has('authorization')).toBe(false)
    expect(sent.get('anthropic-version')).toBe('2023-06-01')
    expect(sent.get('anthropic-beta')).toBe('interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14')
    expect(sent.get('user-agent')).toBe('claude-cli/2.1.197 (external, sdk-cli)')
    expect([...sent.values()].join(' ')).not.toContain('proxy-key-of-the-client')
    // A chat client's request on its way to an anthropic upstream carries no version: the adapter names one.
    const chatClient = new Headers({ authorization: 'Bearer proxy-key-of-the-client', 'content-type': 'application/json' })
    const translated = upstreamRequestHeaders(chatClient, anthropic.authHeaders('sk-ant-real', chatClient))
    expect(Object.fromEntries(translated)).toEqual({ 'content-type': 'application/json', 'x-api-key': 'sk-ant-real', 'anthropic-version': '2023-06-01' })
  })

  test('speaks Messages (count_tokens is part of it) and the model listing: nothing of OpenAI\'s API', () => {
    expect([...anthropic.speaks].sort()).toEqual(['messages', 'models'])
    for (const group of ['chat', 'completions', 'embeddings', 'responses', ...PASSTHROUGH_GROUPS] as const) expect(anthropic.speaks.has(group)).toBe(false)
  })

  test('its listing: GET /models for up to 1000 (one page), read into OpenAI\'s shape', () => {
    expect(anthropic.kind).toBe('anthropic')
    expect(anthropic.modelsPath).toBe('/models?limit=1000')
    const listing = {
      data: [
        { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
        { type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: 'unknown' },
        { type: 'model', display_name: 'no id' },
        null,
        'claude-2',
        { type: 'model', id: 'claude-opus-4-1-20250805' },
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-5-20250929',
      last_id: 'claude-opus-4-1-20250805',
    }
    expect(listedModels(listing)).toEqual([
      { id: 'claude-sonnet-4-5-20250929', object: 'model', created: Date.parse('2025-09-29T00:00:00Z') / 1000, owned_by: 'anthropic' },
      { id: 'claude-haiku-4-5-20251001', object: 'model', created: 0, owned_by: 'anthropic' },
      { id: 'claude-opus-4-1-20250805', object: 'model', created: 0, owned_by: 'anthropic' },
    ])
    expect(listedModels({ data: [], has_more: false, first_id: null, last_id: null })).toEqual([])
    for (const odd of [{ models: [] }, { data: {} }, null, [], 'text']) expect(listedModels(odd)).toBeUndefined()
  })
})
