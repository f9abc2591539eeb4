import { describe, expect, test } from 'bun:test'
import { API_GROUPS } from '../../../../src/openai/endpoints'
import { coolDownMs, listedModels, openai, parseDuration } from '../../../../src/upstream/providers/openai'

describe('parseDuration (OpenAI x-ratelimit-reset-* forms)', () => {
  test.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1s', 1_000],
    ['1.5s', 1_500],
    ['1h2m3s', 3_723_000],
    ['2m30.5s', 150_500],
    ['17', 17_000],
    ['0.25', 250],
  ])('%p → %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each(['', 'soon', '5 s', '1d', 's', '1s2', '-1s'])('%p is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('coolDownMs', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries)
  const now = Date.parse('2026-12-01T10:00:00Z')

  test('retry-after in seconds, retry-after-ms, and the reset durations', () => {
    expect(coolDownMs(headers({ 'retry-after': '2' }), now)).toBe(2_000)
    expect(coolDownMs(headers({ 'retry-after-ms': '1500' }), now)).toBe(1_500)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-requests': '3s' }), now)).toBe(3_000)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-tokens': '4.5s' }), now)).toBe(4_500)
  })

  test('retry-after as an HTTP date', () => {
    expect(coolDownMs(headers({ 'retry-after': new Date(now + 7_000).toUTCString() }), now)).toBe(7_000)
  })

  test('the longest of those given counts', () => {
    expect(coolDownMs(headers({ 'retry-after': '2', 'x-ratelimit-reset-requests': '9s', 'x-ratelimit-reset-tokens': '20ms' }), now)).toBe(9_000)
  })

  test('clamped to 1–60 s; 5 s when nothing (usable) is said', () => {
    expect(coolDownMs(headers({ 'x-ratelimit-reset-requests': '6m0s' }), now)).toBe(60_000)
    expect(coolDownMs(headers({ 'x-ratelimit-reset-tokens': '20ms' }), now)).toBe(1_000)
    expect(coolDownMs(headers({ 'retry-after': '0' }), now)).toBe(1_000)
    expect(coolDownMs(headers({}), now)).toBe(5_000)
    expect(coolDownMs(headers({ 'retry-after': 'whenever', 'x-ratelimit-reset-requests': 'later' }), now)).toBe(5_000)
  })
})

describe('the openai adapter', () => {
  const now = Date.parse('2026-12-01T10:00:00Z')
  const quota = '{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}'
  const limited = '{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","code":"rate_limit_exceeded"}}'

  // status, body, headers → verdict, and for `cool` how long the key rests.
  test.each([
    [200, '{"id":"chatcmpl-1"}', {}, 'answer', undefined],
    [400, '{"error":{"code":"invalid_request_error"}}', {}, 'answer', undefined],
    [404, '{"error":{"code":"model_not_found"}}', {}, 'answer', undefined],
    [413, 'too large', {}, 'answer', undefined],
    [401, '{"error":{"message":"Incorrect API key provided: sk-***"}}', {}, 'disable', undefined],
    [403, '{"error":{"message":"Country not supported"}}', {}, 'disable', undefined],
    [429, quota, { 'retry-after': '20' }, 'disable', undefined],
    [429, limited, { 'retry-after': '3' }, 'cool', 3_000],
    [429, limited, { 'retry-after-ms': '1500' }, 'cool', 1_500],
    [429, limited, { 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '2s' }, 'cool', 60_000],
    [429, limited, {}, 'cool', 5_000],
    [429, '', { 'retry-after': '0' }, 'cool', 1_000],
    [500, '{"error":{"message":"server error"}}', {}, 'next', undefined],
    [502, '<html>Bad gateway</html>', {}, 'next', undefined],
    [503, '', { 'retry-after': '30' }, 'next', undefined],
    [529, '{"type":"error","error":{"type":"overloaded_error"}}', {}, 'next', undefined],
  ] as const)('%p %s %j → %s %p', async (status, body, headers, verdict, ms) => {
    const classified = await openai.classify(new Response(body, { status, headers }))
    expect(classified.verdict).toBe(verdict)
    if (ms !== undefined) expect(openai.coolDownMs(classified.response.headers, now)).toBe(ms)
  })

  test('an answer that says nothing of the key comes back unread; a refusal is read and kept whole', async () => {
    const success = new Response('{"id":"chatcmpl-1"}', { status: 200 })
    expect((await openai.classify(success)).response).toBe(success)
    expect(success.bodyUsed).toBe(false)
    const failing = new Response('{"error":{}}', { status: 502 })
    expect((await openai.classify(failing)).response).toBe(failing)
    expect(failing.bodyUsed).toBe(false)

    const refusal = new Response(quota, { status: 429, statusText: 'Too Many Requests', headers: { 'x-request-id': 'req_1' } })
    const { response } = await openai.classify(refusal)
    expect(response).not.toBe(refusal)
    expect([response.status, response.statusText, response.headers.get('x-request-id')]).toEqual([429, 'Too Many Requests', 'req_1'])
    expect(await response.text()).toBe(quota)
  })

  test('URLs: the path and query string as they are, below base_url', () => {
    expect(openai.url('https://api.openai.com/v1', '/chat/completions')).toBe('https://api.openai.com/v1/chat/completions')
    expect(openai.url('http://127.0.0.1:11434/v1', '/files/file-1/content?x=1')).toBe('http://127.0.0.1:11434/v1/files/file-1/content?x=1')
  })

  test('auth: the key as a Bearer token, and nothing else', () => {
    const client = new Headers({ authorization: 'Bearer proxy-key', 'anthropic-version': '2023-06-01' })
    expect(openai.authHeaders('sk-real', client)).toEqual({ authorization: 'Bearer sk-real' })
  })

  test('speaks every group of OpenAI API, not Anthropic Messages', () => {
    expect([...openai.speaks].sort()).toEqual(API_GROUPS.filter((group) => group !== 'messages').sort())
    for (const group of ['chat', 'completions', 'embeddings', 'responses', 'files', 'audio'] as const) expect(openai.speaks.has(group)).toBe(true)
    expect(openai.speaks.has('messages')).toBe(false)
  })

  test('its listing: GET /models, the entries of `data` that have an id', () => {
    expect(openai.kind).toBe('openai')
    expect(openai.modelsPath).toBe('/models')
    const listing = { object: 'list', data: [{ id: 'gpt-4o', created: 1, owned_by: 'system' }, { object: 'model' }, null, 'gpt-3', { id: 7 }, { id: 'o3' }] }
    expect(listedModels(listing)).toEqual([{ id: 'gpt-4o', created: 1, owned_by: 'system' }, { id: 'o3' }])
    expect(listedModels({ object: 'list', data: [] })).toEqual([])
    for (const odd of [{ models: [] }, { data: {} }, null, [], 'text']) expect(listedModels(odd)).toBeUndefined()
  })
})
