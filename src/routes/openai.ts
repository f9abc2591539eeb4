import { Elysia } from 'elysia'
import type { AnswerCache } from '../cache/answer-cache'
import type { Config } from '../config'
import { ApiError, rateLimited, tooLarge, unknownPath } from '../errors'
import type { LogSink } from '../logging'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOwnPath, requestTarget, upstreamPath } from '../openai/endpoints'
import type { Client, Gate } from '../plugins/gate'
import { rateLimitHeaders } from '../ratelimit/headers'
import type { LimitResult, SlidingWindowLimiter } from '../ratelimit/sliding-window'
import { requestInfo, type RequestInfo } from '../request-info'
import { limitedBody } from '../upstream/body'
import type { Upstream } from '../upstream/client'
import { timedUpstream } from '../upstream/timed'
import { modelCall, type ModelCallDeps } from './model-call'
import { openaiDocs } from './openai-docs'
import { relay } from './relay'

export interface ProxyDeps {
  config: Config
  gate: Gate
  upstream: Upstream
  log: LogSink
  /** Absent when MODEL_RATE_LIMIT is 0. */
  limiter?: SlidingWindowLimiter
  /** Absent when CACHE_ALLOWED is false. */
  cache?: AnswerCache
}

/** Reads (listing models, fetching a file) spend nothing; everything else sent upstream counts. */
const FREE_METHODS = new Set(['GET', 'HEAD'])

function refusal(result: LimitResult): ApiError {
  const headers = rateLimitHeaders(result)
  return rateLimited(
    `Rate limit reached for this client: ${result.limit} requests per minute (MODEL_RATE_LIMIT). Please try again in ${headers['retry-after']}s.`,
    headers
  )
}

export function openaiRoutes(deps: ProxyDeps) {
  const { config, gate, upstream, limiter } = deps
  const secrets = [config.openaiKey, ...config.proxyKeys]

  const calls: ModelCallDeps = {
    config,
    upstream,
    cache: deps.cache,
    log: deps.log,
    secrets,
    spend(client: Client, info: RequestInfo) {
      if (!limiter) return {}
      const result = limiter.consume(client.id)
      if (!result.success) {
        info.rateLimited = true
        throw refusal(result)
      }
      return rateLimitHeaders(result)
    },
    admit(client: Client, info: RequestInfo) {
      if (!limiter) return { headers: {}, release() {} }
      const { result, release } = limiter.admit(client.id)
      if (!result.success) {
        info.rateLimited = true
        throw refusal(result)
      }
      return { headers: rateLimitHeaders(result), release }
    },
  }

  async function passThrough(request: Request, path: string, client: Client, info: RequestInfo) {
    const free = FREE_METHODS.has(request.method)
    const limitHeaders = free ? {} : calls.spend(client, info)
    let cut: ApiError | undefined
    const body = free ? null : limitedBody(request, config.maxBodySize, () => (cut = tooLarge(config.maxBodySize)))
    const response = await timedUpstream(info, () =>
      upstream({
        method: request.method,
        path,
        headers: request.headers,
        body,
        signal: request.signal,
        contentLength: request.headers.get('content-length'),
        bodyTooLarge: () => cut,
      })
    )
    return relay(response, info, limitHeaders, secrets)
  }

  async function proxy({ request }: { request: Request }) {
    const info = requestInfo(request)
    const client = gate(request, info.ip)
    info.client = client.hash
    const target = requestTarget(request.url)
    // Only OpenAI's API goes upstream with the real key; a path spelled so that an upstream could read it
    // as another one (`//`, `%2F`) is refused rather than normalised, so nothing skips validation or the cap.
    if (isAmbiguousPath(target.pathname) || isOwnPath(target.pathname)) throw unknownPath()
    const path = upstreamPath(target)
    if (!apiGroupOf(path)) throw unknownPath()
    const endpoint = endpointOf(request.method, path)
    info.endpoint = endpoint ?? 'other'
    return endpoint ? modelCall(request, endpoint, path, client, info, calls) : passThrough(request, path, client, info)
  }

  // Bodies are read by the handler, never by Elysia: passthrough bodies (multipart, audio) must stream
  // untouched, and JSON errors must come out in OpenAI's shape.
  const raw = { parse: 'none' as const }
  const hidden = { ...raw, detail: { hide: true } }

  return new Elysia({ name: 'openai-routes' })
    .post('/v1/chat/completions', proxy, { ...raw, detail: openaiDocs.chat })
    .post('/v1/completions', proxy, { ...raw, detail: openaiDocs.completions })
    .post('/v1/embeddings', proxy, { ...raw, detail: openaiDocs.embeddings })
    .post('/v1/responses', proxy, { ...raw, detail: openaiDocs.responses })
    .get('/v1/models', proxy, { ...raw, detail: openaiDocs.models })
    .all('/v1/*', proxy, hidden)
    .all('/v1', proxy, hidden)
    // Clients configured with a base URL without /v1 (some browser extensions) are served the same.
    .all('/*', proxy, hidden)
}
