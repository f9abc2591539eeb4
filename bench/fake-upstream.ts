// The bench's fake OpenAI upstream, run as its own process on loopback:
//
//   bun bench/fake-upstream.ts <port> <latencyMs> [<embeddingDelayMs>] [--chat-only]
//
// Every model call (chat, Responses, Anthropic Messages and embeddings) waits a fixed `latencyMs` before its response
// headers, then sends the whole answer at once: JSON, or an SSE stream of ~12 events written back to back (Responses:
// OpenAI's event sequence, fake-responses.ts; Messages: Anthropic's, fake-messages.ts). `--chat-only` makes it a
// chat-only provider (DeepSeek, vLLM…): its `/v1/responses` and `/v1/messages` answer 404, so what reaches it must
// have been translated to chat. With a third
// argument, /v1/embeddings waits `embeddingDelayMs` instead (chat keeps `latencyMs`): a slow embedder, for
// the matrix's miss cells (what a miss costs when the semantic layer's embedding is slow to come). The fixed wait stands
// in for the network and the model; it is measured as target (a) and cancels out of every comparison.
// Embeddings are 1536 floats (text-embedding-3-small's size, as JSON, as OpenAI sends them by default),
// derived from the content words of the text with a few synonyms, so a paraphrase ("What is the height of
// X" / "How tall is X") gets the same vector and a different question a distant one — deterministically.
// Answers are memoised per text, so the upstream stays cheap next to what is measured.

import { randomBytes } from 'node:crypto'
import { anthropicModels, anthropicRefusal, messageEventsTemplate, messageJsonTemplate, messagesUserText } from './fake-messages'
import { lastUserInput, responseEventsTemplate, responseJsonTemplate, withIds } from './fake-responses'

export const UPSTREAM_KEY = 'sk-bench-upstream-key'
export const EMBEDDING_DIMENSIONS = 1536

const STOPWORDS = new Set('a an the is are was were be of to in on for what how do does can please tell me my i you it this that which with about and or'.split(' '))
const SYNONYMS: Record<string, string> = { height: 'tall', high: 'tall', city: 'capital', author: 'wrote', written: 'wrote' }

export function embeddingOf(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  const words: string[] = []
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(raw)) continue
    const word = SYNONYMS[raw] ?? raw
    words.push(word)
    const bucket = Number(Bun.hash(word) % BigInt(EMBEDDING_DIMENSIONS * 2))
    vector[bucket % EMBEDDING_DIMENSIONS]! += bucket < EMBEDDING_DIMENSIONS ? 1 : -1
  }
  // A little noise seeded by the set of content words: paraphrases (same words) still get the same vector,
  // while different questions no longer sit at exactly equal distances from each other — ties that real
  // embeddings never have and that starve the HNSW index of links.
  let seed = Number(Bun.hash([...new Set(words)].sort().join(' ')) & 0xffffffffn)
  for (let d = 0; d < EMBEDDING_DIMENSIONS; d++) {
    seed = (seed + 0x6d2b79f5) >>> 0
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    vector[d]! += 0.04 * ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1)
  }
  const norm = Math.hypot(...vector) || 1
  return vector.map((v) => v / norm)
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return typeof messages[i].content === 'string' ? messages[i].content : JSON.stringify(messages[i].content)
  }
  return ''
}

const encoder = new TextEncoder()

function chatJson(model: string, content: string): string {
  const words = content.split(' ').length
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 12, completion_tokens: words, total_tokens: 12 + words },
  })
}

function chatEvents(model: string, content: string, usage: boolean): Uint8Array[] {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model }
  const event = (data: unknown) => encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
  const delta = (d: object, finish: string | null = null) => event({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] })
  const words = content.split(/(?<= )/)
  return [
    delta({ role: 'assistant', content: '' }),
    ...words.map((word) => delta({ content: word })),
    delta({}, 'stop'),
    ...(usage ? [event({ ...base, choices: [], usage: { prompt_tokens: 12, completion_tokens: words.length, total_tokens: 12 + words.length } })] : []),
    event('[DONE]'),
  ]
}

/** Bounded memo: a soak sends thousands of distinct questions. */
function memo<T>(limit: number, make: (key: string) => T): (key: string) => T {
  const map = new Map<string, T>()
  return (key) => {
    let value = map.get(key)
    if (value === undefined) {
      if (map.size >= limit) map.clear()
      value = make(key)
      map.set(key, value)
    }
    return value
  }
}

const answerJson = memo(5000, (key) => {
  const [model, content] = JSON.parse(key) as [string, string]
  return chatJson(model, content)
})
const answerEvents = memo(5000, (key) => {
  const [model, content, usage] = JSON.parse(key) as [string, string, boolean]
  return chatEvents(model, content, usage)
})
const responseJson = memo(5000, (key) => {
  const [body, content] = JSON.parse(key) as [object, string]
  return responseJsonTemplate(body, content)
})
const responseEvents = memo(5000, (key) => {
  const [body, content] = JSON.parse(key) as [object, string]
  return responseEventsTemplate(body, content)
})
const messageJson = memo(5000, (key) => {
  const [model, content] = JSON.parse(key) as [string, string]
  return messageJsonTemplate(model, content)
})
const messageEvents = memo(5000, (key) => {
  const [model, content] = JSON.parse(key) as [string, string]
  return messageEventsTemplate(model, content)
})
const embeddingJson = memo(5000, (key) => {
  const [model, text] = JSON.parse(key) as [string, string]
  return JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: embeddingOf(text) }], model, usage: { prompt_tokens: 8, total_tokens: 8 } })
})

const JSON_HEADERS = { 'content-type': 'application/json' }
const ANTHROPIC_MODELS = anthropicModels(['claude-sonnet-4-5', 'gpt-4o-mini'])
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }

/** Ids in OpenAI's form (48 hex digits), never the same twice: a random prefix of this process and a counter. */
function idMaker() {
  const prefix = randomBytes(16).toString('hex')
  let next = 0
  return () => prefix + (next++).toString(16).padStart(16, '0')
}

/** A stream written one event per pull, back to back. */
function sse(chunks: Uint8Array[]): Response {
  let next = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++]
      if (chunk) controller.enqueue(chunk)
      else controller.close()
    },
  })
  return new Response(stream, { headers: SSE_HEADERS })
}

export function startFakeUpstream(port: number, latencyMs: number, embeddingDelayMs = latencyMs, chatOnly = false) {
  const wait = () => (latencyMs > 0 ? Bun.sleep(latencyMs) : undefined)
  const newId = idMaker()
  const embeddingWait = () => (embeddingDelayMs > 0 ? Bun.sleep(embeddingDelayMs) : undefined)
  return Bun.serve({
    hostname: '127.0.0.1',
    port,
    idleTimeout: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname
      if (path === '/health') return new Response('ok')
      // Anthropic's API, with its own checks (the key in x-api-key or as a Bearer token, a version): /v1/messages,
      // and /v1/models as proxy-gpt's start-up check of an `anthropic` upstream asks for it (a refusal would disable the key).
      if (!chatOnly && (path === '/v1/messages' || (path === '/v1/models' && request.headers.has('anthropic-version')))) {
        const refused = anthropicRefusal(request.headers, UPSTREAM_KEY)
        if (refused) return refused
        if (path === '/v1/models') return new Response(ANTHROPIC_MODELS, { headers: JSON_HEADERS })
        const body: any = await request.json().catch(() => ({}))
        const key = JSON.stringify([String(body.model ?? 'claude-sonnet-4-5'), `Echo: ${messagesUserText(body)}`])
        const id = newId()
        await wait()
        if (body.stream !== true) return new Response(withIds(messageJson(key), id), { headers: JSON_HEADERS })
        return sse(messageEvents(key).map((event) => withIds(event, id)))
      }
      if (request.headers.get('authorization') !== `Bearer ${UPSTREAM_KEY}`) {
        return Response.json({ error: { message: 'bad upstream key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { status: 401 })
      }
      const body: any = await request.json().catch(() => ({}))
      if (path === '/v1/chat/completions') {
        const model = String(body.model ?? 'gpt-4o-mini')
        const content = `Echo: ${lastUserText(body)}`
        await wait()
        if (body.stream !== true) return new Response(answerJson(JSON.stringify([model, content])), { headers: JSON_HEADERS })
        return sse(answerEvents(JSON.stringify([model, content, body.stream_options?.include_usage === true])))
      }
      if (path === '/v1/responses' && !chatOnly) {
        // What the answer echoes of the request (the model, the output cap the proxy set) keys the memo.
        const echoed = { model: body.model, max_output_tokens: body.max_output_tokens, store: body.store, instructions: body.instructions }
        const key = JSON.stringify([echoed, `Echo: ${lastUserInput(body)}`])
        const id = newId()
        await wait()
        if (body.stream !== true) return new Response(withIds(responseJson(key), id), { headers: JSON_HEADERS })
        return sse(responseEvents(key).map((event) => withIds(event, id)))
      }
      if (path === '/v1/embeddings') {
        const text = typeof body.input === 'string' ? body.input : JSON.stringify(body.input)
        await embeddingWait()
        return new Response(embeddingJson(JSON.stringify([String(body.model), text])), { headers: JSON_HEADERS })
      }
      return Response.json({ error: { message: `no route ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } }, { status: 404 })
    },
  })
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const [port, latency, embeddingDelay] = args.filter((a) => !a.startsWith('--')).map(Number)
  startFakeUpstream(port ?? 0, latency ?? 1, embeddingDelay ?? latency ?? 1, args.includes('--chat-only'))
  // Stops with the bench: its stdin is a pipe from the orchestrator.
  process.stdin.on('end', () => process.exit(0)).resume()
}
