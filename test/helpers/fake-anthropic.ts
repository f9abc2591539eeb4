// A fake Anthropic API on loopback, for the `anthropic` provider and the Messages dialect: POST /v1/messages
// (JSON, or the event stream with `stream`), /v1/messages/count_tokens and GET /v1/models, checked as
// Anthropic checks them (the key, an `anthropic-version`, max_tokens, the thinking budget, what API version
// 2026-10-21 removed).
// It records what it receives and injects faults (statuses such as 529 `overloaded_error`, delays, hangs,
// slow, split, cut or failing streams) into the next request(s), as the fake OpenAI upstream does.

import { anthropicError, fakeInputTokens, fakeMessage, MIN_THINKING_BUDGET, messageEvents, sseEvent } from './fake-anthropic-output'
import { holdGate, sseResponse, type Fault, type Recorded } from './fake-upstream'

export { anthropicError, answerText, fakeInputTokens, lastUserText } from './fake-anthropic-output'

export interface AnthropicRecorded extends Recorded {
  /** The `anthropic-beta` flags the request named (Claude Code sends several), in order. */
  betas: string[]
}

export interface AnthropicFault extends Pick<Fault, 'status' | 'headers' | 'delayMs' | 'hang' | 'chunkDelayMs' | 'splitBytes' | 'cutAfterChunks' | 'holdAfterChunks' | 'endLagMs'> {
  /** The answer's body with `status` (default: Anthropic's error envelope of that status). */
  body?: unknown
  /** Stream: after this many events, Anthropic's mid-stream `error` event (`overloaded_error`), then the end. */
  errorAfterEvents?: number
  /** Answer with a stream of exactly these events (each named on its `event:` line), then end the body. */
  events?: Array<{ type: string } & Record<string, unknown>>
  /** The path the fault is for (`/v1/messages/count_tokens`, `/v1/models`); without one, the next POST /v1/messages. */
  path?: string
}

export interface FakeAnthropic {
  /** Where the fake listens; the Anthropic SDK's and Claude Code's base URL (they add `/v1/…`). */
  url: string
  /** The base_url a proxy upstream of `provider: anthropic` names: the version included. */
  baseUrl: string
  requests: AnthropicRecorded[]
  cancelled: number
  aborted: number
  streamsCompleted: number
  /** Queue a fault for the next request (see `path`); several calls queue several. */
  fault(fault: AnthropicFault): void
  /** A fault for every request sent with this key, until cleared with `undefined`. */
  keyFault(key: string, fault: AnthropicFault | undefined): void
  /** The key of each recorded request (its `x-api-key`, else its Bearer token), in order. */
  readonly keysUsed: string[]
  /** Lets held streams (`holdAfterChunks`) go on. */
  release(): void
  reset(): void
  stop(): Promise<void>
}

export interface FakeAnthropicOptions {
  /** Set as `x-fake-upstream` on every answer, so a test sees which upstream answered. */
  name?: string
  /** What GET /v1/models lists; when given, other models are a 404 `not_found_error` as Anthropic's are. */
  models?: string[]
  /** The keys it accepts (default: any non-empty `x-api-key`). */
  keys?: string[]
  port?: number
}

export const FAKE_CLAUDE_MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1']

/** Anthropic closes a stream a little after `message_stop` (the `endLagMs` fault overrides; 0 for none). */
export const MESSAGES_END_LAG_MS = 25

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const faults: AnthropicFault[] = []
  const keyFaults = new Map<string, AnthropicFault>()
  const state = { requests: [] as AnthropicRecorded[], cancelled: 0, aborted: 0, streamsCompleted: 0, ...holdGate() }
  // The prompt prefixes seen (the prompt cache): the upstream's data, kept across reset() like its ids.
  const seenPrefixes = new Set<string>()
  const listed = options.models ?? FAKE_CLAUDE_MODELS
  let counter = 0

  const error = (status: number, message: string, headers: Record<string, string> = {}) => Response.json(anthropicError(status, message), { status, headers })

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    // Anthropic takes an API key in `x-api-key` or, as its SDKs send it since API version 2026-10-21, as a Bearer token.
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''
    const key = request.headers.get('x-api-key') ?? bearer
    const recorded: AnthropicRecorded = {
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      betas: (request.headers.get('anthropic-beta') ?? '').split(',').map((flag) => flag.trim()).filter(Boolean),
    }
    try {
      recorded.json = recorded.body ? JSON.parse(recorded.body) : undefined
    } catch {}
    state.requests.push(recorded)

    // Anthropic checks the key before anything else, then the version header.
    if (!key || (options.keys && !options.keys.includes(key))) return error(401, 'invalid x-api-key')
    if (!request.headers.get('anthropic-version')) return error(400, 'anthropic-version: header is required')

    const route = `${request.method} ${url.pathname}`
    const at = faults.findIndex((f) => (f.path ? f.path === url.pathname : route === 'POST /v1/messages'))
    const keyFault = keyFaults.get(key)
    const fault = keyFault && (!keyFault.path || keyFault.path === url.pathname) ? keyFault : at === -1 ? {} : faults.splice(at, 1)[0]!

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
    if (fault.status) return Response.json(fault.body ?? anthropicError(fault.status), { status: fault.status, headers: { 'request-id': `req_fake_${fault.status}`, ...fault.headers } })
    const streamFault = { ...fault, endLagMs: fault.endLagMs ?? MESSAGES_END_LAG_MS }
    if (fault.events) return sseResponse(fault.events.map(sseEvent), streamFault, state)

    const json = recorded.json
    const id = ++counter
    const reply = (body: object) => Response.json(body, { headers: { 'request-id': `req_fake_${id}` } })
    if (route === 'GET /v1/models') return reply(modelList(listed, url.searchParams))
    if (request.method === 'GET' && url.pathname.startsWith('/v1/models/')) {
      const model = decodeURIComponent(url.pathname.slice('/v1/models/'.length))
      return listed.includes(model) ? reply(modelEntry(model, listed.indexOf(model))) : error(404, `model: ${model}`)
    }
    if (route !== 'POST /v1/messages' && route !== 'POST /v1/messages/count_tokens') return error(404, `Not found: ${route}`)

    const problem = invalid(json, route === 'POST /v1/messages', request.headers.get('anthropic-version')!)
    if (problem) return error(400, problem)
    if (options.models && !options.models.includes(json.model)) return error(404, `model: ${json.model}`)
    if (route === 'POST /v1/messages/count_tokens') return reply({ input_tokens: fakeInputTokens(json) })

    const message = fakeMessage(json, id, seenPrefixes)
    if (!json.stream) return reply(message)
    let events = messageEvents(message)
    if (fault.errorAfterEvents !== undefined) {
      events = [...events.slice(0, fault.errorAfterEvents), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]
    }
    return sseResponse(events.map(sseEvent), streamFault, state)
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

  const url = `http://127.0.0.1:${server.port}`
  return {
    url,
    baseUrl: `${url}/v1`,
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
      return state.requests.map((r) => r.headers['x-api-key'] ?? (r.headers.authorization ?? '').replace(/^Bearer\s+/i, ''))
    },
    release: () => state.release(),
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
 * What Anthropic refuses with a 400 before the model runs, in its words: the fields a request must have, the
 * roles it allows and where, and the thinking budget (at least 1024, below max_tokens).
 */
function invalid(json: any, create: boolean, version: string): string | undefined {
  if (!json || typeof json !== 'object') return 'There was an error parsing the body of your request'
  if (typeof json.model !== 'string') return 'model: Field required'
  // API version 2026-10-21 removed the sampling parameters; 2023-06-01 still takes them.
  const removed = version === '2026-10-21' && ['temperature', 'top_p', 'top_k'].find((field) => field in json)
  if (removed) return `${removed}: Extra inputs are not permitted in API version 2026-10-21`
  if (!Array.isArray(json.messages)) return 'messages: Field required'
  // A `system` message may follow a user turn (Claude Opus 4.8 and later; Claude Code sends one there).
  const role = json.messages.findIndex((m: any, i: number) => m?.role !== 'user' && m?.role !== 'assistant' && !(m?.role === 'system' && json.messages[i - 1]?.role === 'user'))
  if (role !== -1) {
    const said = json.messages[role]?.role === 'system' ? 'a system message must follow a user message' : "Input should be 'user', 'assistant' or 'system'"
    return `messages.${role}.role: ${said}`
  }
  if (!create) return undefined
  if (json.messages.length === 0) return 'messages: at least one message is required'
  if (!Number.isInteger(json.max_tokens)) return 'max_tokens: Field required'
  if (json.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1'
  if (json.thinking?.type === 'enabled') {
    const budget = json.thinking.budget_tokens
    if (!Number.isInteger(budget) || budget < MIN_THINKING_BUDGET) return `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`
    if (budget >= json.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size'
  }
  return undefined
}

/** A model as Anthropic lists it; the fake's models were all made on consecutive days. */
const modelEntry = (id: string, index: number) => ({
  type: 'model',
  id,
  display_name: id.replace(/^claude-/, 'Claude ').replace(/-/g, ' '),
  created_at: new Date(Date.UTC(2025, 8, 29 - index)).toISOString().replace('.000Z', 'Z'),
})

/** Anthropic's listing: newest first, `limit` a page (20 by default), `has_more` and the ids at either end. */
function modelList(models: string[], query: URLSearchParams) {
  const limit = Math.min(Math.max(Number(query.get('limit') ?? 20) || 20, 1), 1000)
  const data = models.slice(0, limit).map(modelEntry)
  return { data, has_more: models.length > limit, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }
}
