// A fake OpenAI API on loopback: answers the endpoints the tests use, records what it receives, and
// injects faults (status codes, delays, hangs, slow or cut streams) into the next request(s).

import { gzipSync } from 'node:zlib'
import { deepseekUsage, reasoningFor } from './fake-deepseek'
import { FakeResponses } from './fake-responses'

export interface Recorded {
  method: string
  /** Path with query string, as the upstream saw it. */
  path: string
  headers: Record<string, string>
  body: string
  json?: any
  /** For multipart bodies: field names → string value or `{ name, size }` for files. */
  form?: Record<string, string | { name: string; size: number }>
}

export interface Fault {
  /** Answer with this status and body instead of the normal answer. */
  status?: number
  body?: unknown
  /** Wait before sending response headers. */
  delayMs?: number
  /** Never answer (until the request is aborted). */
  hang?: boolean
  /** Stream: pause between chunks. */
  chunkDelayMs?: number
  /**
   * Stream: send the body in writes of this many bytes (events split mid-line, as a real network may), each
   * its own write, `chunkDelayMs` apart.
   */
  splitBytes?: number
  /** Stream: send this many content chunks, then break the connection. */
  cutAfterChunks?: number
  /** Send the JSON answer gzip-compressed with content-encoding: gzip. */
  gzip?: boolean
  /** Stream: after this many chunks, wait for `release()` before sending the rest. */
  holdAfterChunks?: number
  /** Stream: end the body this long after `[DONE]` (real upstreams close a little after the last event). */
  endLagMs?: number
  /** JSON: send the first half of the body, then break the connection. */
  cutJsonBody?: boolean
  /** Extra response headers of an injected status (`retry-after`, `x-ratelimit-reset-requests`, …). */
  headers?: Record<string, string>
  /**
   * Answer with a stream of exactly these events (each sent as `data: …`, objects as JSON, strings as they
   * are, so include '[DONE]' yourself), then end the body: for providers whose streams differ from OpenAI's
   * (DeepSeek's `reasoning_content`, usage on every chunk). `chunkDelayMs` paces them.
   */
  events?: Array<object | string>
  /**
   * The path the fault is for. Without one it applies to the next request that is not for /v1/embeddings,
   * so the cache's own embedding lookups do not take faults meant for the model call.
   */
  path?: string
}

export interface FakeUpstream {
  url: string
  requests: Recorded[]
  /** Streams the client cancelled (disconnects seen by the upstream). */
  cancelled: number
  /** Requests aborted before the upstream answered. */
  aborted: number
  /** Number of streams fully sent. */
  streamsCompleted: number
  /** Queue a fault for the next request (several calls queue several). */
  fault(fault: Fault): void
  /** A fault for every request sent with this upstream key, until cleared with `undefined`. */
  keyFault(key: string, fault: Fault | undefined): void
  /** The upstream key (bearer) of each recorded request, in order. */
  readonly keysUsed: string[]
  /** Lets held streams (`holdAfterChunks`) go on. */
  release(): void
  /** The upstream key that made a Responses or conversation id (undefined: not kept, e.g. `store: false`). */
  responseOwner(id: string): string | undefined
  reset(): void
  stop(): Promise<void>
}

export const FAKE_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']
export const EMBEDDING_DIMENSIONS = 256

const encoder = new TextEncoder()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Words that carry no meaning for the fake embedding, and a few synonyms, so that paraphrases land near
// each other and different questions far apart — deterministically, with no model.
const STOPWORDS = new Set('a an the is are was were be of to in on for what whats how do does can could please tell me my i you it this that which with about and or'.split(' '))
const SYNONYMS: Record<string, string> = { city: 'capital', height: 'tall', high: 'tall', author: 'wrote', written: 'wrote', explain: 'describe', meaning: 'describe' }

/** A deterministic unit vector per text: content words hashed into signed buckets. */
export function fakeEmbedding(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(raw)) continue
    const word = SYNONYMS[raw] ?? raw
    const hash = Number(Bun.hash(word) % BigInt(dimensions * 2))
    vector[hash % dimensions]! += hash < dimensions ? 1 : -1
  }
  const norm = Math.hypot(...vector) || 1
  return vector.map((v) => v / norm)
}

export function fakeSimilarity(a: string, b: string): number {
  const x = fakeEmbedding(a)
  const y = fakeEmbedding(b)
  return x.reduce((sum, v, i) => sum + v * y[i]!, 0)
}

function lastUserText(messages: any[]): string {
  const last = [...(messages ?? [])].reverse().find((m) => m?.role === 'user')
  if (!last) return ''
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content)
}

export function answerFor(json: any): string {
  // After a tool result, the model answers from it, as a real one would.
  const last = Array.isArray(json?.messages) ? json.messages.at(-1) : undefined
  if (last?.role === 'tool') return `The tool said: ${typeof last.content === 'string' ? last.content : JSON.stringify(last.content)}`
  return `Echo: ${lastUserText(json?.messages)}`
}

export interface FakeOptions {
  /** Said in every answer (`x-fake-upstream` and the chat text), so a test sees which upstream answered. */
  name?: string
  /** What GET /v1/models lists. */
  models?: string[]
  /** A fixed port (to restart an upstream on the same address). */
  port?: number
  /**
   * `all` (the default): OpenAI's API, Responses included (fake-responses.ts). `chat`: a chat-only provider
   * as DeepSeek is: an empty 404 on /v1/responses and /v1/conversations, `reasoning_content` from models
   * named `*reason*`, and the context cache's tokens in the chat usage (fake-deepseek.ts).
   */
  speaks?: 'all' | 'chat'
  /**
   * OpenAI's prompt cache: its chat answers (JSON and streamed) say this many of their 10 prompt tokens were
   * read from it, in `prompt_tokens_details.cached_tokens`. None by default.
   */
  cachedTokens?: number
}

/** Real upstreams close a Responses stream a little after `response.completed` (the `endLagMs` fault overrides). */
export const RESPONSES_END_LAG_MS = 25

export async function startFakeUpstream(options: FakeOptions = {}): Promise<FakeUpstream> {
  const faults: Fault[] = []
  const keyFaults = new Map<string, Fault>()
  const state = { requests: [] as Recorded[], cancelled: 0, aborted: 0, streamsCompleted: 0, ...holdGate() }
  const responses = new FakeResponses()
  const chatOnly = options.speaks === 'chat'
  let counter = 0

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const bearer = (request.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '')
    const at = faults.findIndex((f) => (f.path ? f.path === url.pathname : url.pathname !== '/v1/embeddings'))
    const keyFault = keyFaults.get(bearer)
    const fault = keyFault && (!keyFault.path || keyFault.path === url.pathname) ? keyFault : at === -1 ? {} : faults.splice(at, 1)[0]!
    const recorded: Recorded = {
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: '',
    }
    const type = request.headers.get('content-type') ?? ''
    if (type.startsWith('multipart/form-data')) {
      const form = await request.formData()
      recorded.form = {}
      for (const [name, value] of form) {
        recorded.form[name] = typeof value === 'string' ? value : { name: (value as File).name, size: (value as File).size }
      }
    } else {
      recorded.body = await request.text()
      try {
        recorded.json = recorded.body ? JSON.parse(recorded.body) : undefined
      } catch {}
    }
    state.requests.push(recorded)

    if (fault.hang) {
      await new Promise<void>((resolve) => request.signal.addEventListener('abort', () => resolve()))
      state.aborted++
      return new Response(null, { status: 499 })
    }
    if (fault.delayMs) await sleep(fault.delayMs)
    if (request.signal.aborted) {
      state.aborted++
      return new Response(null, { status: 499 })
    }
    if (fault.status) {
      const body = fault.body ?? { error: { message: `injected ${fault.status}`, type: 'server_error', param: null, code: null } }
      if (fault.cutJsonBody) return cutJson(body, fault.status, { 'content-type': 'application/json' })
      return Response.json(body, { status: fault.status, headers: { 'x-upstream': 'fake', ...fault.headers } })
    }
    if (fault.events) return customStream(fault.events, fault, state)

    const id = ++counter
    const json = recorded.json ?? {}
    const route = `${request.method} ${url.pathname}`
    if (/^\/v1\/(responses|conversations)(\/|$)/.test(url.pathname)) {
      // DeepSeek answers these with an empty 404 (Codex shows "404 Not Found: Unknown error").
      if (chatOnly) return new Response(null, { status: 404 })
      const streamFault = { ...fault, endLagMs: fault.endLagMs ?? RESPONSES_END_LAG_MS }
      return responses.handle({
        method: request.method,
        pathname: url.pathname,
        query: url.searchParams,
        bearer,
        json,
        reply: (body) => reply(body, fault),
        stream: (events) => sseResponse(events, streamFault, state),
      })
    }
    switch (route) {
      case 'POST /v1/chat/completions':
        return json.stream ? chatStream(json, id, fault, state, chatOnly, options.cachedTokens) : reply(chatCompletion(json, id, chatOnly, options.cachedTokens), fault)
      case 'POST /v1/completions':
        return reply(
          {
            id: `cmpl-${id}`,
            object: 'text_completion',
            created: Math.floor(Date.now() / 1000),
            model: json.model,
            choices: [{ index: 0, text: `Completed: ${json.prompt}`, finish_reason: 'stop', logprobs: null }],
            usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
          },
          fault
        )
      case 'POST /v1/embeddings':
        return reply(embeddings(json), fault)
      case 'GET /v1/models':
        return reply({ object: 'list', data: (options.models ?? FAKE_MODELS).map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake' })) }, fault)
      case 'GET /v1/files':
        return reply({ object: 'list', data: [], has_more: false }, fault)
      case 'POST /v1/files': {
        const file = recorded.form?.file as { name: string; size: number } | undefined
        return reply(
          { id: `file-${id}`, object: 'file', bytes: file?.size ?? 0, created_at: 1700000000, filename: file?.name ?? '', purpose: recorded.form?.purpose },
          fault
        )
      }
      case 'POST /v1/audio/speech':
        return new Response(audioBytes(json.input ?? ''), { headers: { 'content-type': 'audio/mpeg' } })
      case 'POST /v1/images/generations':
      case 'POST /v1/images/edits':
        return reply(imagesAnswer(recorded.form ?? json), fault)
      case 'POST /v1/audio/transcriptions':
      case 'POST /v1/audio/translations':
        return transcription(recorded.form ?? json, fault)
      case 'POST /v1/batches':
        return reply({ id: `batch_${id}`, object: 'batch', endpoint: json.endpoint, status: 'validating' }, fault)
    }
    if (request.method === 'DELETE' && url.pathname.startsWith('/v1/files/')) {
      return reply({ id: url.pathname.split('/').pop(), object: 'file', deleted: true }, fault)
    }
    return Response.json(
      { error: { message: `Unknown route ${route}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } },
      { status: 404 }
    )
  }

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const response = await handle(request)
      if (options.name) response.headers.set('x-fake-upstream', options.name)
      return response
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}`,
    get requests() {
      return state.requests
    },
    get cancelled() {
      return state.cancelled
    },
    get aborted() {
      return state.aborted
    },
    get streamsCompleted() {
      return state.streamsCompleted
    },
    fault: (fault) => void faults.push(fault),
    keyFault: (key, fault) => void (fault ? keyFaults.set(key, fault) : keyFaults.delete(key)),
    get keysUsed() {
      return state.requests.map((r) => (r.headers.authorization ?? '').replace(/^Bearer\s+/i, ''))
    },
    release: () => state.release(),
    responseOwner: (id) => responses.ownerOf(id),
    // The ids the fake made stay: they are the upstream's data, not the test's bookkeeping.
    reset() {
      state.release()
      Object.assign(state, holdGate())
      faults.length = 0
      state.requests = []
      state.cancelled = state.aborted = state.streamsCompleted = 0
    },
    stop: () => server.stop(true),
  }
}

/**
 * What the fake reports for a GPT image call (`gpt-image-*`): 20 text tokens, 500 per input image (the
 * form's `image`/`image[]` files), 1056 output tokens per image (gpt-image-1's medium square).
 */
export function fakeImageUsage(n: number, inputImages = 0) {
  const image = 500 * inputImages
  return { input_tokens: 20 + image, input_tokens_details: { text_tokens: 20, image_tokens: image }, output_tokens: 1056 * n, total_tokens: 20 + image + 1056 * n }
}

/** What the fake reports for a gpt-4o transcription, and the seconds of audio it reports for whisper-1. */
export const FAKE_TRANSCRIPTION_USAGE = { type: 'tokens', input_tokens: 120, input_token_details: { text_tokens: 0, audio_tokens: 120 }, output_tokens: 30, total_tokens: 150 }
export const FAKE_AUDIO_SECONDS = 12

type Fields = Record<string, unknown>

/** `n` images (base64 for GPT image models, URLs for DALL·E), with usage for the models that report it. */
function imagesAnswer(fields: Fields) {
  const n = Number(fields.n ?? 1)
  const model = String(fields.model ?? 'dall-e-2')
  const tokens = model.startsWith('gpt-image-')
  const data = Array.from({ length: n }, (_, i) => (tokens ? { b64_json: Buffer.from(`image ${i}`).toString('base64') } : { url: `https://images.example/${i}.png` }))
  const inputImages = Object.keys(fields).filter((name) => name.startsWith('image')).length
  return { created: 1700000000, data, ...(tokens ? { usage: fakeImageUsage(n, inputImages) } : {}) }
}

/** A transcript: token usage for the gpt-4o models, seconds for whisper-1; `response_format: text` is plain text. */
function transcription(fields: Fields, fault: Fault): Response {
  const text = 'Hello from the fake transcript.'
  if (fields.response_format === 'text') return new Response(text, { headers: { 'content-type': 'text/plain' } })
  const usage = String(fields.model).includes('transcribe') ? FAKE_TRANSCRIPTION_USAGE : { type: 'duration', seconds: FAKE_AUDIO_SECONDS }
  return reply({ text, usage }, fault)
}

/** Bytes that depend on the input, so a test can check a binary body arrived intact. */
export function audioBytes(input: string): Uint8Array {
  const bytes = new Uint8Array(4096)
  const seed = Number(Bun.hash(input) % 251n)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + seed) % 256
  return bytes
}

function reply(body: object, fault: Fault): Response {
  const headers = { 'content-type': 'application/json', 'x-ratelimit-limit-requests': '10000', 'openai-processing-ms': '5' }
  if (fault.cutJsonBody) return cutJson(body, 200, headers)
  if (fault.gzip) return new Response(gzipSync(JSON.stringify(body)), { headers: { ...headers, 'content-encoding': 'gzip' } })
  return new Response(JSON.stringify(body), { headers })
}

/** The first half of a JSON body, then a broken connection. */
function cutJson(body: unknown, status: number, headers: Record<string, string>): Response {
  const text = encoder.encode(JSON.stringify(body))
  let sent = false
  const cut = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent) return controller.error(new Error('body cut by fault injection'))
      sent = true
      controller.enqueue(text.subarray(0, text.length >> 1))
      await sleep(5)
    },
  })
  return new Response(cut, { status, headers })
}

/** With tools offered and the weather asked about, the fake model calls the first tool. */
function toolCallFor(json: any): { id: string; name: string; arguments: string } | undefined {
  const name = json?.tools?.[0]?.function?.name
  if (json?.messages?.at?.(-1)?.role === 'tool') return undefined
  if (!name || !lastUserText(json.messages).toLowerCase().includes('weather')) return undefined
  return { id: 'call_fake_1', name, arguments: JSON.stringify({ city: 'Paris', unit: 'celsius' }) }
}

/** OpenAI's chat usage: 10 prompt tokens, one per answer word, and the prompt cache's part when there is one. */
function openaiUsage(completion: number, cached: number) {
  const usage = { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion }
  return cached ? { ...usage, prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 } } : usage
}

function chatCompletion(json: any, id: number, chatOnly = false, cached = 0) {
  const content = answerFor(json)
  const call = toolCallFor(json)
  const thinking = chatOnly && !call ? reasoningFor(json.model, lastUserText(json.messages)) : undefined
  const message = call
    ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }
    : { role: 'assistant', content, refusal: null, ...(thinking ? { reasoning_content: thinking } : {}) }
  return {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: json.model,
    choices: [{ index: 0, message, finish_reason: call ? 'tool_calls' : 'stop', logprobs: null }],
    usage: chatOnly
      ? deepseekUsage(json.messages, content.split(' ').length, thinking)
      : openaiUsage(content.split(' ').length, cached),
  }
}

export function holdGate() {
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  return { held, release }
}

function chatStream(json: any, id: number, fault: Fault, state: { cancelled: number; streamsCompleted: number; held: Promise<void> }, chatOnly = false, cached = 0): Response {
  const words = answerFor(json).split(/(?<= )/)
  const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: json.model }
  const call = toolCallFor(json)
  const thinking = chatOnly && !call ? reasoningFor(json.model, lastUserText(json.messages)) : undefined
  const delta = (d: object, finish: string | null = null) => event({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] })
  const answer = call
    ? [
        delta({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
        // Arguments arrive split mid-token, as OpenAI sends them.
        ...[call.arguments.slice(0, 7), call.arguments.slice(7, 19), call.arguments.slice(19)].map((part) =>
          delta({ tool_calls: [{ index: 0, function: { arguments: part } }] })
        ),
        delta({}, 'tool_calls'),
      ]
    : thinking
      ? // DeepSeek's reasoner: the thinking first, in `reasoning_content` with `content: null`, then the answer.
        [
          delta({ role: 'assistant', content: null, reasoning_content: '' }),
          ...thinking.split(/(?<= )/).map((word) => delta({ content: null, reasoning_content: word })),
          ...words.map((word) => delta({ content: word, reasoning_content: null })),
          delta({ content: '', reasoning_content: null }, 'stop'),
        ]
      : [delta({ role: 'assistant', content: '' }), ...words.map((word) => delta({ content: word })), delta({}, 'stop')]
  const usage = chatOnly ? deepseekUsage(json.messages, words.length, thinking) : openaiUsage(words.length, cached)
  const chunks = [
    ...answer,
    ...(json.stream_options?.include_usage ? [event({ ...base, choices: [], usage })] : []),
    event('[DONE]'),
  ]
  return sseResponse(chunks, fault, state)
}

/** A stream of the given events, then the end of the body (the `events` fault). */
function customStream(events: Array<object | string>, fault: Fault, state: { cancelled: number; streamsCompleted: number; held: Promise<void> }): Response {
  return sseResponse(events.map(event), fault, state)
}

/** The same bytes in pieces of `size`, ignoring where events begin and end. */
function resplit(chunks: Uint8Array[], size: number): Uint8Array[] {
  const whole = Buffer.concat(chunks)
  const pieces: Uint8Array[] = []
  for (let at = 0; at < whole.length; at += size) pieces.push(new Uint8Array(whole.subarray(at, at + size)))
  return pieces
}

/** One SSE event: JSON data, or a string such as `[DONE]` as it is. */
const event = (data: object | string) => encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)

/** An SSE body of these chunks, pulled one at a time, with the stream faults (delay, hold, cut, a late end). */
export function sseResponse(events: Uint8Array[], fault: Fault, state: { cancelled: number; streamsCompleted: number; held: Promise<void> }): Response {
  const chunks = fault.splitBytes ? resplit(events, fault.splitBytes) : events
  let index = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (fault.chunkDelayMs && index > 0) await sleep(fault.chunkDelayMs)
      if (fault.holdAfterChunks !== undefined && index === fault.holdAfterChunks) await state.held
      if (fault.cutAfterChunks !== undefined && index > fault.cutAfterChunks) {
        controller.error(new Error('stream cut by fault injection'))
        return
      }
      if (fault.endLagMs && index === chunks.length) await sleep(fault.endLagMs)
      const chunk = chunks[index++]
      if (!chunk) {
        state.streamsCompleted++
        controller.close()
        return
      }
      controller.enqueue(chunk)
    },
    cancel() {
      state.cancelled++
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
}

function embeddings(json: any) {
  const inputs: string[] = typeof json.input === 'string' ? [json.input] : json.input.map((x: unknown) => String(x))
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(text)
    // The openai SDK asks for base64 by default and decodes it itself.
    const embedding = json.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding', index, embedding }
  })
  return { object: 'list', data, model: json.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } }
}
