import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { auth, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// No upstream key, nor any 8 characters of one, leaves the proxy (DESIGN §1.3, §1.7): not in answers
// (successes, errors, 429s), their headers, the log, /stats, /metrics, the status page or the API docs; an
// upstream error that quotes any key of the pool comes back masked. The `gemini` keys do not look like
// OpenAI's `sk-…`, so only the proxy's knowledge of its own keys can mask them.

const OPENAI = [1, 2].map((k) => `sk-sec1-key${k}-Pw${k}JxQmW7vLnRtY`)
const GEMINI = [1, 2].map((k) => `AIzaSyGm${k}XqVwB7kLpRzTnHcYd`)
const DEEPSEEK = [1, 2, 3].map((k) => `sk-sec3-key${k}-Dk${k}MzQhW7vLpRtY`)
const ALL = [...OPENAI, ...GEMINI, ...DEEPSEEK]

/** Every 8-character window of a pool key that shows in `text`. */
function fragments(text: string): string[] {
  const found = new Set<string>()
  for (const k of ALL) for (let i = 0; i + 8 <= k.length; i++) if (text.includes(k.slice(i, i + 8))) found.add(k.slice(i, i + 8))
  return [...found]
}

let fakes: FakeUpstream[]
let proxy: TestProxy
/** Everything a client was sent: status, headers and body of each answer. */
const seen: string[] = []
async function record(response: Response): Promise<string> {
  const text = await response.text()
  seen.push(`${response.status}\n${[...response.headers].map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${text}`)
  return text
}

beforeAll(async () => {
  fakes = await Promise.all(['openai', 'gemini', 'deepseek'].map((name) => startFakeUpstream({ name })))
  const upstreams = [
    { name: 'openai', base_url: `${fakes[0]!.url}/v1`, keys: OPENAI, models: ['gpt-*', 'text-embedding-*'] },
    { name: 'gemini', base_url: `${fakes[1]!.url}/v1`, keys: GEMINI, models: ['gemini-*'] },
    { name: 'deepseek', base_url: `${fakes[2]!.url}/v1`, keys: DEEPSEEK, models: ['deepseek-*', 'fast'], model_map: { fast: 'deepseek-chat' } },
  ]
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify({ upstreams }), MODEL_RATE_LIMIT: '0', UPSTREAM_ATTEMPTS: '2', CACHE_SIMILARITY_THRESHOLD: '0.8' }, fakes[0])
})
afterAll(async () => {
  await proxy.stop()
  await Promise.all(fakes.map((f) => f.stop()))
})

const chat = (model: string, content: string, extra: object = {}) => ({ model, messages: [{ role: 'user', content }], ...extra })
const send = (body: object) => postJson(`${proxy.baseURL}/chat/completions`, body)

describe('no upstream key leaves the proxy', () => {
  test('successes: JSON, a stream, a cache hit, embeddings, models, files', async () => {
    expect((await record(await send(chat('gpt-4o-mini', 'How tall is the Eiffel Tower?'))))).toContain('Echo:')
    const hit = await send(chat('gpt-4o-mini', 'What is the height of the Eiffel Tower'))
    expect(hit.headers.get('x-cache')).toBe('HIT')
    await record(hit)
    expect(await record(await send(chat('fast', 'stream me', { stream: true })))).toContain('[DONE]')
    const embeddings = await postJson(`${proxy.baseURL}/embeddings`, { model: 'text-embedding-3-small', input: 'hello' })
    expect(embeddings.status).toBe(200)
    await record(embeddings)
    expect(await record(await fetch(`${proxy.baseURL}/models`, { headers: auth() }))).toContain('gpt-4o-mini')
    expect((await fetch(`${proxy.baseURL}/files`, { headers: auth() })).status).toBe(200)
    const sdk = await proxy.client().chat.completions.create(chat('deepseek-chat', 'through the SDK') as any)
    seen.push(JSON.stringify(sdk))
    expect(fragments(seen.join('\n'))).toEqual([])
  })

  test('an upstream error quoting any key of the pool comes back masked', async () => {
    // The key it was sent with, another upstream's key, and one OpenAI-style partial echo.
    fakes[1]!.keyFault(GEMINI[0]!, {
      status: 401,
      body: { error: { message: `API key not valid: ${GEMINI[0]}. Also refused: ${OPENAI[1]}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    })
    fakes[1]!.keyFault(GEMINI[1]!, {
      status: 403,
      body: { error: { message: `Forbidden for ${GEMINI[1]}; ${DEEPSEEK[2]} and sk-sec1-************nRtY are not allowed either.`, type: 'invalid_request_error', param: null, code: null } },
    })
    const response = await send(chat('gemini-pro', 'masked?'))
    // Both keys are disabled on the way; the last upstream error is the answer. Which key went first depends
    // on the earlier GET /v1/models, which used one of them.
    expect(fakes[1]!.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2)
    const text = await record(response)
    const masked = {
      401: 'API key not valid: ***. Also refused: ***.',
      403: 'Forbidden for ***; *** and sk-*** are not allowed either.',
    }[response.status]
    expect(masked).toBeDefined()
    expect(JSON.parse(text).error.message).toBe(masked!)
    expect(fragments(text)).toEqual([])

    // A server error quoting keys, passed through with its status.
    fakes[0]!.fault({ status: 500, body: { error: { message: `upstream crashed holding ${OPENAI[0]} and ${GEMINI[0]}`, type: 'server_error', param: null, code: null } } })
    fakes[0]!.fault({ status: 502, body: { error: { message: `gateway lost ${OPENAI[1]}`, type: 'server_error', param: null, code: null } } })
    const crashed = await send(chat('gpt-4o', 'crash with keys'))
    expect([500, 502]).toContain(crashed.status)
    expect(fragments(await record(crashed))).toEqual([])

    const none = await send(chat('gemini-pro', 'after both were disabled'))
    expect(none.status).toBe(503)
    expect(fragments(await record(none))).toEqual([])
  })

  test('429s: an upstream 429 quoting its key, then every key cooling (upstream_keys_exhausted)', async () => {
    for (const k of DEEPSEEK) {
      fakes[2]!.keyFault(k, {
        status: 429,
        body: { error: { message: `Rate limit reached for key ${k}`, type: 'requests', param: null, code: 'rate_limit_exceeded' } },
        headers: { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' },
      })
    }
    // UPSTREAM_ATTEMPTS=2 of three keys: the third is still healthy, so the last upstream 429 is the answer.
    const limited = await send(chat('deepseek-chat', 'limited 1'))
    expect(limited.status).toBe(429)
    const text = await record(limited)
    expect(text).toContain('Rate limit reached for key ***')
    expect(fragments(text)).toEqual([])

    const exhausted = await send(chat('deepseek-chat', 'limited 2'))
    expect(exhausted.status).toBe(429)
    expect(JSON.parse(await record(exhausted)).error.code).toBe('upstream_keys_exhausted')
    const sdk = await proxy.client().chat.completions.create(chat('fast', 'limited 3') as any).catch((error) => error)
    expect(sdk.status).toBe(429)
    seen.push(JSON.stringify(sdk.error), JSON.stringify(Object.fromEntries(sdk.headers ?? [])))
    expect(fragments(seen.join('\n'))).toEqual([])
  })

  test('nor in the log, /stats, /metrics, the status page or the API docs', async () => {
    for (const path of ['/stats', '/metrics', '/', '/swagger/json']) {
      const response = await fetch(`${proxy.url}${path}`)
      expect(response.status).toBe(200)
      const text = await record(response)
      expect({ path, fragments: fragments(text) }).toEqual({ path, fragments: [] })
    }
    expect(proxy.logs.length).toBeGreaterThan(10)
    expect(fragments(proxy.logs.join('\n'))).toEqual([])
    expect(fragments(seen.join('\n'))).toEqual([])
    // The keys were really used: the test would see a leak.
    expect(new Set([...fakes[0]!.keysUsed, ...fakes[1]!.keysUsed, ...fakes[2]!.keysUsed])).toEqual(new Set(ALL))
  })
})
