import type { ClientKey } from '../auth/client-key'
import { ApiError } from '../errors'
import type { Admission, Call, Gatekeeper } from '../limits/gatekeeper'
import type { StreamEnd } from '../openai/sse/tap'
import type { Tokens } from '../openai/usage'
import type { PoolAnswer, PoolRequest, UpstreamPool } from '../upstream/pool'

// What one request learns on its way through the proxy, for its log line and the statistics: created by the
// server for each request and passed to every step that adds to it (never looked up in a global map). The
// two steps whose outcome is a statistic, admission and the upstream call, are taken through it.

const REQUEST_ID = /^[\w.:-]{1,128}$/

export class RequestContext {
  readonly id: string
  /** Short hash of the client identity, once authenticated (never the key). */
  client?: string
  cache?: 'HIT' | 'MISS' | 'BYPASS'
  cacheMatch?: 'exact' | 'semantic'
  /** Set once the request is known to be an API call: chat, completions, embeddings, responses or other. */
  endpoint?: string
  model?: string
  /** The upstream that answered, by its configured name. */
  upstream?: string
  /** The fingerprint of the upstream key that answered (never the key). */
  upstreamKey?: string
  /** Time to the upstream's response headers, when it was called. */
  upstreamMs?: number
  upstreamFailed = false
  rateLimited = false
  overBudget = false
  /** `x-output-cap`: the key's cap when it lowered or set the request's `max_*tokens`, and what else it changed. */
  outputCap?: string
  /** Tokens a cache hit saved: its stored answer's usage, the provider-cached part included. */
  saved?: Tokens
  /**
   * What the upstream reported a forwarded answer used, where the answer was read anyway (a metered key, a
   * cache miss), under the upstream's name of the model: for the provider prompt-cache hit rate.
   */
  usage?: { model: string; tokens: Tokens }
  /** How a streamed body ended, once it has. */
  streamEnd?: StreamEnd
  /** Resolves when the answer's body is over: at once for a plain answer, at its end for a stream. */
  readonly finished: Promise<void>
  private streaming = false
  private finish!: () => void

  constructor(
    request: Request,
    /** Socket address of the peer. */
    readonly ip: string,
    readonly start = performance.now(),
    /** Makes the id of a request that brought none (`req_` and 32 hex digits). */
    newId: () => string = () => `req_${crypto.randomUUID().replaceAll('-', '')}`
  ) {
    const given = request.headers.get('x-request-id')
    this.id = given && REQUEST_ID.test(given) ? given : newId()
    this.finished = new Promise((resolve) => (this.finish = resolve))
  }

  /** The body is a stream still running: the request is over only when `endStream` is called. */
  beginStream() {
    this.streaming = true
  }

  /** Called by the relay when a streamed body ends, however it ends. */
  endStream(how?: StreamEnd) {
    this.streamEnd = how
    this.finish()
  }

  /** The gatekeeper's admission, noting a refusal (rate limit or budget) in the statistics. */
  async admit(gatekeeper: Gatekeeper, key: ClientKey, call?: Call): Promise<Admission> {
    try {
      return await gatekeeper.admit(key, call)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'rate_limit_exceeded') this.rateLimited = true
      if (error instanceof ApiError && error.code === 'insufficient_quota') this.overBudget = true
      throw error
    }
  }

  /**
   * Calls the upstream pool, noting which upstream answered (`x-upstream`, statistics), how long its headers
   * took and whether it failed.
   */
  async callUpstream(pool: UpstreamPool, request: PoolRequest): Promise<PoolAnswer> {
    const started = performance.now()
    try {
      const answer = await pool.call(request)
      this.upstreamMs = performance.now() - started
      this.upstream = answer.upstream
      this.upstreamKey = answer.fingerprint
      this.upstreamFailed = answer.response.status >= 500 || answer.response.status === 429
      return answer
    } catch (error) {
      if (error instanceof ApiError && error.type === 'upstream_error') this.upstreamFailed = true
      throw error
    }
  }

  /** Called by the server once the response is handed over; a stream finishes later, at its end. */
  responded() {
    if (!this.streaming) this.finish()
  }
}
