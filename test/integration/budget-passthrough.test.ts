import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { toFile } from 'openai'
import { eventually, usageOf } from '../helpers/budget'
import { audioBytes, FAKE_AUDIO_SECONDS, FAKE_TRANSCRIPTION_USAGE, fakeImageUsage, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { keysEnv, sdkError } from '../helpers/named-keys'
import { auth, PASS_THROUGH_ONLY, postJson, startProxy, type TestProxy } from '../helpers/start-proxy'

// Nothing a budgeted key does is unmetered (DESIGN §1.9): its images and audio calls are priced before they
// are sent, reserved, and settled to what the answer reports (gpt-image-1 and gpt-4o-transcribe by token
// usage, DALL·E per image, Whisper per minute, TTS per character); one the proxy cannot price is refused
// (400 not_metered) before the upstream sees it; groups that spend without a price per request are refused
// (403 not_metered); files, uploads, moderations, reads and deletions stay allowed. Nothing stays reserved.

const ALICE = 'Pd6Wm1Rx8Kq3Ty5Ub2Nv' // $5 a day
const TOM = 'Gk2Hs7Lc4Ze9Fw1Xa6Yj' // 100000 tokens a day
const SAM = 'Jr5Nb0Vt3Mc8Qp6Ld1Hw' // $0.05 a day
const UNA = 'Yx9Kd4Cw7Bn2Rf5Tg8Sm' // no budget

let fake: FakeUpstream
let proxy: TestProxy
beforeAll(async () => {
  fake = await startFakeUpstream()
  const allow = ['all']
  proxy = await startProxy(
    {
      ...PASS_THROUGH_ONLY,
      MODEL_RATE_LIMIT: '0',
      UPSTREAM_ATTEMPTS: '1',
      ...keysEnv([
        { name: 'alice', key: ALICE, allow, budget: { usd: 5, per: 'day' } },
        { name: 'tom', key: TOM, allow, budget: { tokens: 100_000, per: 'day' } },
        { name: 'sam', key: SAM, allow, budget: { usd: 0.05, per: 'day' } },
        { name: 'una', key: UNA, allow },
      ]),
    },
    fake
  )
})
afterAll(async () => {
  await proxy.stop()
  await fake.stop()
})
afterEach(async () => {
  // Whatever a test did, no reservation outlives it.
  for (const key of [ALICE, TOM, SAM]) await eventually(() => usageOf(proxy.url, key), (u) => u.reserved === 0)
  fake.reset()
})

const client = (key = ALICE) => proxy.client({ apiKey: key })
const usage = (key = ALICE) => usageOf(proxy.url, key)
/** What a key spent and how many requests it made from here on. */
async function meter(key = ALICE) {
  const before = await usage(key)
  return async () => {
    const now = await eventually(() => usage(key), (u) => u.reserved === 0)
    return { spent: now.spent - before.spent, requests: now.today.requests - before.today.requests, cost: now.today.cost_usd - before.today.cost_usd }
  }
}
const imageCost = (u: ReturnType<typeof fakeImageUsage>) => (u.input_tokens_details.text_tokens * 5 + u.input_tokens_details.image_tokens * 10 + u.output_tokens * 40) / 1e6
const sent = (path: string) => fake.requests.filter((r) => r.path === path)
const post = (path: string, body: unknown, key = ALICE) => postJson(`${proxy.baseURL}${path}`, body, auth(key))

describe('images', () => {
  test('gpt-image-1: a conservative reservation while it runs, then the cost of the usage the answer reports', async () => {
    const spent = await meter()
    fake.fault({ delayMs: 400, path: '/v1/images/generations' })
    const answer = client().images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024', quality: 'high' })
    const running = await eventually(usage, (u) => u.reserved > 0)
    const result = await answer
    expect(result.data).toHaveLength(2)
    expect(result.usage).toEqual(fakeImageUsage(2))
    const expected = imageCost(fakeImageUsage(2))
    const after = await spent()
    expect(after.spent).toBeCloseTo(expected, 6)
    expect(after.cost).toBeCloseTo(expected, 6)
    expect(after.requests).toBe(1)
    // Two high-quality squares at gpt-image-1's 4160 output tokens each, at least.
    expect(running.reserved).toBeGreaterThanOrEqual((2 * 4160 * 40) / 1e6)
    expect(sent('/v1/images/generations')[0]!.json).toMatchObject({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2 })
  })

  test('an edit (multipart, the file before the model): the model read from the form, the file forwarded intact, image input at its price', async () => {
    const spent = await meter()
    const picture = new Uint8Array(3000).map((_, i) => i % 251)
    const result = await client().images.edit({ image: await toFile(picture, 'in.png', { type: 'image/png' }), prompt: 'add a moon', model: 'gpt-image-1' })
    expect(result.usage).toEqual(fakeImageUsage(1, 1))
    expect((await spent()).spent).toBeCloseTo(imageCost(fakeImageUsage(1, 1)), 6)
    const [seen] = sent('/v1/images/edits')
    expect(seen!.form).toMatchObject({ model: 'gpt-image-1', prompt: 'add a moon', image: { name: 'in.png', size: 3000 } })
  })

  test('dall-e-3: per image, at the price of its quality and size', async () => {
    const spent = await meter()
    await client().images.generate({ model: 'dall-e-3', prompt: 'a red kite', size: '1024x1792', quality: 'hd' })
    expect((await spent()).spent).toBeCloseTo(0.12, 6)
  })

  test('a model the proxy cannot price: 400 not_metered naming the group and the model, never sent, nothing reserved', async () => {
    const spent = await meter()
    for (const model of ['flux-pro', 'gpt-image-9']) {
      const error = await sdkError(client().images.generate({ model, prompt: 'x' }))
      expect(error.status).toBe(400)
      expect(error.code).toBe('not_metered')
      expect((error.error as any).type).toBe('invalid_request_error')
      expect(error.message).toContain('images')
      expect(error.message).toContain(`'${model}'`)
    }
    const none = await post('/images/generations', { prompt: 'no model named' })
    expect(none.status).toBe(400)
    expect(((await none.json()) as any).error).toMatchObject({ code: 'not_metered', param: 'model' })
    expect(fake.requests).toHaveLength(0)
    expect(await spent()).toEqual({ spent: 0, requests: 0, cost: 0 })
  })

  test('an upstream error spends nothing and frees the reservation', async () => {
    const spent = await meter()
    fake.fault({ status: 500, path: '/v1/images/generations' })
    expect((await sdkError(client().images.generate({ model: 'gpt-image-1', prompt: 'x' }))).status).toBe(500)
    fake.fault({ status: 400, path: '/v1/images/generations', body: { error: { message: 'bad size', type: 'invalid_request_error', param: 'size', code: null } } })
    expect((await sdkError(client().images.generate({ model: 'dall-e-3', prompt: 'x', size: '9x9' as any }))).status).toBe(400)
    expect((await spent()).spent).toBe(0)
  })

  test('a client that hangs up before the answer: the reservation is released', async () => {
    const spent = await meter()
    fake.fault({ hang: true, path: '/v1/images/generations' })
    const abort = new AbortController()
    const pending = fetch(`${proxy.baseURL}/images/generations`, {
      method: 'POST',
      headers: { ...auth(ALICE), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'x' }),
      signal: abort.signal,
    }).catch(() => undefined)
    await eventually(usage, (u) => u.reserved > 0)
    abort.abort()
    await pending
    await eventually(() => Promise.resolve(fake.aborted), (n) => n === 1)
    expect((await spent()).spent).toBe(0)
  })

  test('a stream: settled to the usage of its completed event', async () => {
    const spent = await meter()
    const done = { type: 'image_generation.completed', b64_json: 'aGk=', usage: fakeImageUsage(1) }
    fake.fault({ path: '/v1/images/generations', events: [{ type: 'image_generation.partial_image', b64_json: 'aA==', partial_image_index: 0 }, done] })
    const response = await post('/images/generations', { model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 1 })
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    expect(await response.text()).toContain('image_generation.completed')
    expect((await spent()).spent).toBeCloseTo(imageCost(fakeImageUsage(1)), 6)
  })

  test('a stream that ends without its usage event: settled to its reservation, not to nothing', async () => {
    const spent = await meter()
    fake.fault({ path: '/v1/images/generations', events: [{ type: 'image_generation.partial_image', b64_json: 'aA==', partial_image_index: 0 }] })
    await (await post('/images/generations', { model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 1 })).text()
    // One image of the largest standard size at high quality, and its partial image.
    expect((await spent()).spent).toBeGreaterThanOrEqual(((6240 + 100) * 40) / 1e6)
  })

  test('a reservation larger than what is left: 429 insufficient_quota, never sent', async () => {
    const error = await sdkError(client(SAM).images.generate({ model: 'gpt-image-1', prompt: 'x', size: '1536x1024', quality: 'high' }))
    expect(error.status).toBe(429)
    expect(error.code).toBe('insufficient_quota')
    expect(fake.requests).toHaveLength(0)
  })
})

describe('audio', () => {
  const speech = new Uint8Array(48_000).map((_, i) => (i * 13) % 256)

  test('gpt-4o-transcribe: the file forwarded intact, settled to the token usage (audio input at its price)', async () => {
    const spent = await meter()
    const result = await client().audio.transcriptions.create({ file: await toFile(speech, 'talk.mp3', { type: 'audio/mpeg' }), model: 'gpt-4o-transcribe' })
    expect(result.usage).toEqual(FAKE_TRANSCRIPTION_USAGE as any)
    expect((await spent()).spent).toBeCloseTo((120 * 6 + 30 * 10) / 1e6, 6)
    expect(sent('/v1/audio/transcriptions')[0]!.form).toMatchObject({ model: 'gpt-4o-transcribe', file: { name: 'talk.mp3', size: speech.length } })
  })

  test('whisper-1: per minute, settled to the seconds the answer reports', async () => {
    const spent = await meter()
    await client().audio.transcriptions.create({ file: await toFile(speech, 'talk.mp3'), model: 'whisper-1' })
    expect((await spent()).spent).toBeCloseTo((FAKE_AUDIO_SECONDS / 60) * 0.006, 6)
  })

  test('whisper-1 answering plain text (no usage): settled to its reservation, nothing left reserved', async () => {
    const spent = await meter()
    const text = await client().audio.transcriptions.create({ file: await toFile(speech, 'talk.mp3'), model: 'whisper-1', response_format: 'text' })
    expect(String(text)).toContain('fake transcript')
    // 48000 bytes at no more than 2000 a second: 24 s.
    expect((await spent()).spent).toBeCloseTo((24 / 60) * 0.006, 6)
  })

  test('tts-1 speech: per character, the audio comes back byte for byte', async () => {
    const spent = await meter()
    const input = 'Hello from the budget test.'
    const answer = await client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input })
    expect(new Uint8Array(await answer.arrayBuffer())).toEqual(new Uint8Array(audioBytes(input)))
    expect((await spent()).spent).toBeCloseTo((input.length * 15) / 1e6, 6)
  })

  test('a speech model without a per-character price: 400 not_metered naming audio and the model', async () => {
    const error = await sdkError(client().audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'hi' }))
    expect(error.status).toBe(400)
    expect(error.code).toBe('not_metered')
    expect(error.message).toContain('audio')
    expect(error.message).toContain("'gpt-4o-mini-tts'")
    expect(fake.requests).toHaveLength(0)
  })
})

describe('groups that spend without a price per request', () => {
  const refused: Array<[path: string, group: string]> = [
    ['/batches', 'batches'],
    ['/fine_tuning/jobs', 'fine_tuning'],
    ['/evals', 'evals'],
    ['/evals/eval_1/runs', 'evals'],
    ['/vector_stores', 'vector_stores'],
    ['/assistants', 'assistants'],
    ['/threads/runs', 'threads'],
    ['/threads/thread_1/runs', 'threads'],
    ['/containers', 'containers'],
    ['/realtime/client_secrets', 'realtime'],
    ['/videos', 'videos'],
    ['/rerank', '/rerank'],
  ]

  test('refused to a key with a budget (403 not_metered naming the group), never sent', async () => {
    for (const [path, group] of refused) {
      const response = await post(path, { model: 'gpt-4o-mini' })
      expect(response.status).toBe(403)
      const { error } = (await response.json()) as any
      expect(error).toMatchObject({ type: 'permission_error', code: 'not_metered' })
      expect(error.message).toContain(group)
    }
    expect(fake.requests).toHaveLength(0)
  })

  test('files, uploads, moderations, reads and deletions stay allowed, and reserve nothing', async () => {
    const spent = await meter()
    const file = await client().files.create({ file: await toFile(Buffer.from('{"a":1}\n'), 'data.jsonl'), purpose: 'batch' })
    expect(file.filename).toBe('data.jsonl')
    // The fake has no moderations route: its 404 shows the call was forwarded.
    expect(((await (await post('/moderations', { input: 'hello' })).json()) as any).error.code).toBe('unknown_url')
    expect((await fetch(`${proxy.baseURL}/files`, { headers: auth(ALICE) })).status).toBe(200)
    expect((await client().files.delete('file-abc')).deleted).toBe(true)
    await fetch(`${proxy.baseURL}/batches`, { headers: auth(ALICE) })
    await post('/uploads', { filename: 'big.jsonl', purpose: 'batch', bytes: 10, mime_type: 'text/jsonl' })
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/files', 'POST /v1/moderations', 'GET /v1/files', 'DELETE /v1/files/file-abc', 'GET /v1/batches', 'POST /v1/uploads'])
    expect((await spent()).spent).toBe(0)
  })
})

describe('a tokens budget', () => {
  test('counts the tokens gpt-image-1 reports; refuses the models priced per image or minute', async () => {
    const spent = await meter(TOM)
    await client(TOM).images.generate({ model: 'gpt-image-1', prompt: 'x', quality: 'low' })
    expect((await spent()).spent).toBe(fakeImageUsage(1).total_tokens)
    const perImage = await sdkError(client(TOM).images.generate({ model: 'dall-e-3', prompt: 'x' }))
    expect([perImage.status, perImage.code]).toEqual([400, 'not_metered'])
    expect(perImage.message).toContain('tokens')
    const perMinute = await sdkError(client(TOM).audio.transcriptions.create({ file: await toFile(Buffer.from('abc'), 'a.mp3'), model: 'whisper-1' }))
    expect([perMinute.status, perMinute.code]).toEqual([400, 'not_metered'])
    expect(sent('/v1/images/generations')).toHaveLength(1)
  })
})

describe('a key without a budget', () => {
  test('unaffected: any image model, batches and transcriptions pass through as before', async () => {
    await client(UNA).images.generate({ model: 'flux-pro', prompt: 'x' })
    expect((await post('/batches', { input_file_id: 'file-1', endpoint: '/v1/chat/completions', completion_window: '24h' }, UNA)).status).toBe(200)
    await client(UNA).audio.transcriptions.create({ file: await toFile(Buffer.from('abc'), 'a.mp3'), model: 'some-stt' })
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/images/generations', '/v1/batches', '/v1/audio/transcriptions'])
    expect(sent('/v1/audio/transcriptions')[0]!.form).toMatchObject({ model: 'some-stt', file: { name: 'a.mp3', size: 3 } })
  })
})
