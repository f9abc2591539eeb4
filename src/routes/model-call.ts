import { usageOf, type StoredAnswer } from '../cache/answer'
import type { AnswerCache, Hit } from '../cache/answer-cache'
import type { CachedEndpoint } from '../cache/keys'
import { removeSkipWord } from '../cache/policy'
import { embeddingsAsFloats, renderHit } from '../cache/render'
import type { Config } from '../config'
import type { LogSink } from '../logging'
import { clampOutputTokens } from '../openai/clamp'
import { CACHEABLE, type Endpoint } from '../openai/endpoints'
import { parseJsonObject, validateBody, type JsonObject } from '../openai/validate'
import type { Client } from '../plugins/gate'
import type { RequestInfo } from '../request-info'
import { StreamRecorder } from '../streaming/record'
import { readBodyText } from '../upstream/body'
import type { Upstream } from '../upstream/client'
import { timedUpstream } from '../upstream/timed'
import { relay, type Capture } from './relay'

// The endpoints the proxy understands: validate, cap, then — in the order of DESIGN §2 — exact lookup,
// rate limit, semantic lookup, upstream call, and a store once the answer is complete.

export interface ModelCallDeps {
  config: Config
  upstream: Upstream
  cache?: AnswerCache
  log: LogSink
  secrets: readonly string[]
  /** Counts one model request for the client or throws 429; returns the rate-limit headers. */
  spend(client: Client, info: RequestInfo): Record<string, string>
  /**
   * Counts one model request or throws 429, checked and counted in one step, before anything is spent on
   * the request; `release` hands the count back when a cache hit answers it after all.
   */
  admit(client: Client, info: RequestInfo): { headers: Record<string, string>; release(): void }
}

export async function modelCall(request: Request, endpoint: Endpoint, path: string, client: Client, info: RequestInfo, deps: ModelCallDeps) {
  const { config, cache } = deps
  const body = parseJsonObject(await readBodyText(request, config.maxBodySize))
  validateBody(endpoint, body, config.maxN)
  clampOutputTokens(endpoint, body, config.maxOutputTokens)
  if (typeof body.model === 'string') info.model = body.model

  const forward = (headers: Record<string, string>, capture?: Capture) =>
    timedUpstream(info, () => send(request, path, body, deps)).then((response) => relay(response, info, headers, deps.secrets, capture))

  if (!CACHEABLE.has(endpoint)) return forward(deps.spend(client, info))
  const cached = endpoint as CachedEndpoint
  if (!cache) {
    removeSkipWord(cached, body, config.cache.skipWord)
    info.cache = 'BYPASS'
    return forward({ ...deps.spend(client, info), 'x-cache': 'BYPASS' })
  }

  const { plan, keys } = cache.plan(cached, body, request.headers, path.includes('?') ? path.slice(path.indexOf('?')) : '')
  info.cache = plan.lookup ? 'MISS' : 'BYPASS'
  const serve = (hit: Hit) => {
    cache.served(hit)
    info.cache = 'HIT'
    info.cacheMatch = hit.match
    const usage = usageOf(hit.entry.answer)
    if (usage) info.saved = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
    return renderHit(hit, body)
  }

  if (plan.lookup) {
    const exact = cache.exact(keys)
    if (exact) return serve(exact)
    const pending = cache.inFlight(keys)
    const shared = pending && (await pending)
    if (shared) return serve({ entry: shared, match: 'exact' })
  }

  // Registered before the first await below, so an identical request arriving meanwhile waits for this one.
  const flight = plan.store ? cache.begin(keys) : undefined
  try {
    // A client over its limit still got its exact hit above, but no embedding is bought for it: counted
    // before the embedding, so N concurrent requests buy at most the limit's worth.
    const admission = deps.admit(client, info)
    let embedding: Float32Array | undefined
    if (plan.lookup && cache.canMatchByMeaning(keys)) {
      const found = await cache.semantic(keys)
      if (found.hit) {
        admission.release()
        flight?.settle(found.hit.entry)
        return serve(found.hit)
      }
      embedding = found.embedding
    }

    const headers = { ...admission.headers, 'x-cache': info.cache }
    if (!flight) return await forward(headers)

    // A stored stream must know its token counts, so usage is asked for and then withheld from a client
    // that did not ask for it.
    const streamed = body.stream === true && cached !== 'embeddings'
    const options = body.stream_options as JsonObject | undefined
    const dropUsage = streamed && options?.include_usage !== true
    if (dropUsage) body.stream_options = { ...options, include_usage: true }
    const recorder = streamed ? new StreamRecorder(cached as 'chat' | 'completions') : undefined

    return await forward(headers, {
      dropUsage,
      chunk: (chunk) => recorder?.push(chunk),
      done(outcome, text) {
        let entry
        try {
          // A stream the client closed right after [DONE] (the OpenAI SDKs do) is as complete as one the
          // upstream ended first: the recorder decides, from [DONE] and every choice's finish_reason.
          const answer = recorder
            ? outcome === 'complete' || outcome === 'cancelled'
              ? recorder.finish()
              : undefined
            : outcome === 'complete'
              ? completeAnswer(cached, text)
              : undefined
          if (answer) entry = cache.save(cached, keys, String(body.model), answer, embedding)
        } catch (error) {
          deps.log(`cache: could not store an answer (${(error as Error).message})`)
        } finally {
          flight.settle(entry)
        }
      },
    })
  } catch (error) {
    flight?.settle()
    throw error
  }
}

function send(request: Request, path: string, body: JsonObject, deps: ModelCallDeps) {
  const headers = new Headers(request.headers)
  headers.set('content-type', 'application/json')
  return deps.upstream({ method: 'POST', path, headers, body: JSON.stringify(body), signal: request.signal })
}

/** A non-streamed upstream answer worth keeping: well-formed, no error, every choice finished. */
function completeAnswer(endpoint: CachedEndpoint, text: string | undefined): StoredAnswer | undefined {
  let body: any
  try {
    body = JSON.parse(text ?? '')
  } catch {
    return undefined
  }
  if (!body || typeof body !== 'object' || body.error) return undefined
  if (endpoint === 'embeddings') {
    return Array.isArray(body.data) && body.data.length > 0 ? { endpoint, body: embeddingsAsFloats(body) } : undefined
  }
  const choices = body.choices
  if (!Array.isArray(choices) || choices.length === 0 || choices.some((c: any) => !c || c.finish_reason == null)) return undefined
  return { endpoint, body }
}
