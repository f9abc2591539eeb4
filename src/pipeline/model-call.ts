import type { ClientKey } from '../auth/client-key'
import type { AnswerCache, Hit } from '../cache/answer-cache'
import type { CacheKeys, CachedEndpoint } from '../cache/keys'
import { removeSkipWord, type CachePlan } from '../cache/policy'
import type { Config } from '../config/load'
import { estimateTokens } from '../limits/estimate'
import type { Admission, Call, Gatekeeper } from '../limits/gatekeeper'
import { usageOf } from '../openai/answer'
import { ReplayTemplate } from '../openai/replay-template'
import { CACHEABLE, type Endpoint } from '../openai/endpoints'
import { modelNotFound } from '../errors'
import type { JsonObject } from '../openai/validate'
import type { FlightClaim } from '../state/types'
import { UpstreamPool } from '../upstream/pool'
import { admit } from './admit'
import { askForUsage, combineCaptures, completeAnswer, startRecording, type Recording } from './answer-capture'
import { meteringCapture } from './metering'
import type { RequestContext } from './context'
import { renderHit, replayForm, respond } from './hit'
import { prepareBody } from './prepare'
import { readBodyText } from './request-body'
import { relay } from './relay'
import { callUpstream, upstreamHeader } from './upstream-call'

// The endpoints the proxy understands, in the order of DESIGN §2: read the body (a request seen before byte
// for byte is answered from the answers kept hot, before any parsing), check it, then exact lookup, in-flight
// sharing, admission (counted before anything is spent), semantic lookup, the upstream call, and a store
// once the answer is complete. Each step is one function below.

export interface ModelCallDeps {
  config: Config
  gatekeeper: Gatekeeper
  pool: UpstreamPool
  cache?: AnswerCache
  secrets: readonly string[]
}

export interface ModelRoute {
  endpoint: Endpoint
  /** Path below the base URL, with the query string. */
  path: string
}

export async function modelCall(ctx: RequestContext, request: Request, route: ModelRoute, key: ClientKey, deps: ModelCallDeps): Promise<Response> {
  const text = await readBodyText(request, deps.config.maxBodySize)
  const { cache } = deps
  // A request answered from the cache before, byte for byte: served from memory, nothing parsed.
  const hot = cache && CACHEABLE.has(route.endpoint) ? hotRequestOf(request, route, key, text) : undefined
  const ready = hot && cache!.hotAnswer(hot)
  if (ready) {
    checkModel(ready, key, deps.pool)
    if (ready.model !== undefined) ctx.model = ready.model
    ctx.outputCap = ready.outputCap
    const hit: Hit = { entry: ready.entry, match: 'exact' }
    return serveHit(ctx, cache!, hit, key, deps, () => respond(hit, ready.template))
  }

  const body = prepareBody(ctx, text, route.endpoint, key, deps.config)
  checkModel(body, key, deps.pool)
  // Only a metered key's budget and usage read the estimate (a key with a budget is metered).
  const estimate = key.metered ? estimateTokens(route.endpoint, body) : NO_ESTIMATE
  const call: Call = { model: typeof body.model === 'string' ? body.model : '', estimate }
  if (!CACHEABLE.has(route.endpoint)) return forwardAdmitted(ctx, request, route, body, key, call, deps)
  const endpoint = route.endpoint as CachedEndpoint
  if (!cache) return bypass(ctx, request, { ...route, endpoint }, body, key, call, deps)

  const { plan, keys } = cache.plan(endpoint, body, request.headers, queryOf(route.path), key.cacheGroup)
  ctx.cache = plan.lookup ? 'MISS' : 'BYPASS'

  const exact = plan.lookup ? await cache.exact(keys) : undefined
  if (exact) {
    const template = ReplayTemplate.of(exact.entry.answer, replayForm(body))
    if (hot) cache.keepHot(hot, exact, template, typeof body.model === 'string' ? body.model : undefined, ctx.outputCap)
    return serveHit(ctx, cache, exact, key, deps, () => respond(exact, template))
  }

  const flight = await shareInFlight(cache, plan, keys)
  if (flight.hit) return serveHit(ctx, cache, flight.hit, key, deps, () => renderHit(flight.hit!, body))

  try {
    // A client over its limit or budget still got its exact hit above, but no embedding is bought for it.
    const admission = await admit(ctx, key, deps.gatekeeper, call)
    try {
      const semantic = await lookupByMeaning(cache, plan, keys, deps.config.embeddingWaitMs)
      if (semantic.hit) {
        await admission.release()
        await flight.claim?.settle({ entryId: semantic.hit.entry.id })
        return serveHit(ctx, cache, semantic.hit, key, deps, () => renderHit(semantic.hit!, body))
      }
      const store = flight.claim && { cache, endpoint, keys, embedding: semantic.embedding ?? semantic.pending, flight: flight.claim }
      return await forward(ctx, request, route, body, key, call, admission, deps, store)
    } catch (error) {
      // Whatever failed before the answer was settled spent nothing (settled admissions ignore this).
      await admission.release()
      throw error
    }
  } catch (error) {
    await flight.claim?.settle('failed')
    throw error
  }
}

/**
 * What identifies a request for the answers kept hot: its bytes and everything else its answer depends on
 * (the path with its query, the key's cache group and output cap). None for a request whose headers ask the
 * cache for something (no-cache, no-store): those go the normal way.
 */
function hotRequestOf(request: Request, route: ModelRoute, key: ClientKey, text: string): string | undefined {
  if (request.headers.has('cache-control') || request.headers.has('pragma')) return undefined
  return `${route.path}\n${key.cacheGroup}\n${key.maxOutputTokens}\n${text}`
}

/** Nothing is looked up, counted or forwarded for a model the key may not use or no upstream serves. */
function checkModel(body: { model?: unknown }, key: ClientKey, pool: UpstreamPool) {
  if (typeof body.model === 'string') {
    if (!pool.serves(body.model) || (key.models && !key.models(body.model))) throw modelNotFound(body.model)
  } else if (key.models) {
    throw modelNotFound('(none)')
  }
}

const NO_ESTIMATE = { promptTokens: 0, completionTokens: 0 }

const queryOf = (path: string) => (path.includes('?') ? path.slice(path.indexOf('?')) : '')

/** The cache is off: the skip word is still not the model's to read. */
function bypass(ctx: RequestContext, request: Request, route: ModelRoute & { endpoint: CachedEndpoint }, body: JsonObject, key: ClientKey, call: Call, deps: ModelCallDeps) {
  removeSkipWord(route.endpoint, body, deps.config.cache.skipWord)
  ctx.cache = 'BYPASS'
  return forwardAdmitted(ctx, request, route, body, key, call, deps)
}

/** Admits and forwards a call the cache has no part in; a failure before the answer spends nothing. */
async function forwardAdmitted(ctx: RequestContext, request: Request, route: ModelRoute, body: JsonObject, key: ClientKey, call: Call, deps: ModelCallDeps) {
  const admission = await admit(ctx, key, deps.gatekeeper, call)
  try {
    return await forward(ctx, request, route, body, key, call, admission, deps)
  } catch (error) {
    await admission.release()
    throw error
  }
}

/** A hit costs nothing: counted in the key's usage as saved. */
async function serveHit(ctx: RequestContext, cache: AnswerCache, hit: Hit, key: ClientKey, deps: ModelCallDeps, render: () => Response): Promise<Response> {
  cache.served(hit)
  ctx.cache = 'HIT'
  ctx.cacheMatch = hit.match
  const usage = usageOf(hit.entry.answer)
  if (usage) ctx.saved = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
  if (key.metered) await deps.gatekeeper.recordHit(key, hit.entry.model, ctx.saved).catch(() => {})
  return render()
}

/**
 * Identical requests share one upstream call (or one semantic lookup): the first to claim the key leads,
 * the others wait for the entry that answered it and are served that. A request that leads looks once
 * more, since the answer of an identical request may have been stored between its own lookup and its claim.
 */
async function shareInFlight(cache: AnswerCache, plan: CachePlan, keys: CacheKeys): Promise<{ hit?: Hit; claim?: FlightClaim & { leader: true } }> {
  if (!plan.store) return {}
  const claim = await cache.claim(keys)
  // A refresh (skip word, no-cache) wants a fresh answer, not the one in flight: it makes and stores its own.
  if (!claim.leader && !plan.lookup) return { claim: UNSHARED }
  if (!claim.leader) {
    const outcome = await claim.outcome
    const entry = outcome === 'failed' ? undefined : await cache.entry(outcome.entryId)
    return { hit: entry && { entry, match: 'exact' } }
  }
  const stored = plan.lookup ? await cache.exact(keys) : undefined
  if (stored) {
    await claim.settle({ entryId: stored.entry.id })
    return { hit: stored }
  }
  return { claim }
}

const UNSHARED: FlightClaim & { leader: true } = { leader: true, settle: async () => {} }

/** Embeds the question and looks for a near one; the embedding is kept for storing the answer. */
async function lookupByMeaning(
  cache: AnswerCache,
  plan: CachePlan,
  keys: CacheKeys,
  waitMs: number
): Promise<{ hit?: Hit; embedding?: Float32Array; pending?: Promise<Float32Array | undefined> }> {
  if (!plan.lookup || !cache.canMatchByMeaning(keys)) return {}
  const pending = cache.embed(keys)
  // A slow embedder never holds a miss up for long: past EMBEDDING_WAIT_MS the request goes upstream, and
  // the embedding, still on its way, is stored with the answer when it comes.
  const embedding = await within(pending, waitMs)
  if (embedding === TIMED_OUT) return { pending }
  if (!(embedding instanceof Float32Array)) return {}
  return { hit: await cache.semantic(keys, embedding), embedding }
}

const TIMED_OUT: unique symbol = Symbol('timed out')

/** The promise's value, or TIMED_OUT after `ms` (the timer is cleared when the promise settles first). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Sends the call upstream and relays the answer, taking a copy on the way where one is needed: for the
 * cache (`store`) and for the key's budget and usage (metered keys). Both need a stream's token counts, so
 * the usage chunk is asked for and withheld from a client that did not ask.
 */
async function forward(ctx: RequestContext, request: Request, route: ModelRoute, body: JsonObject, key: ClientKey, call: Call, admission: Admission, deps: ModelCallDeps, store?: StoreTarget) {
  const streamed = body.stream === true && route.endpoint !== 'embeddings'
  const metering = key.metered ? meteringCapture(call.estimate, admission, streamed) : undefined
  const entryId = store && (await store.cache.allocateId())
  const recording = store && recordingFor(store, body, entryId)
  const dropUsage = metering || recording ? askForUsage(route.endpoint, body) : false
  const capture = combineCaptures([recording?.capture, metering], dropUsage)
  const headers = { ...admission.headers, ...(ctx.cache ? { 'x-cache': ctx.cache } : {}), ...(entryId ? { 'x-cache-entry': String(entryId) } : {}) }
  const answer = await send(ctx, request, route, body, deps)
  return relay(answer.response, ctx, { ...headers, ...upstreamHeader(answer) }, deps.secrets, capture)
}

/** The body as each upstream gets it: its model_map renames the model, nothing else changes. */
function send(ctx: RequestContext, request: Request, route: ModelRoute, body: JsonObject, deps: ModelCallDeps) {
  const model = typeof body.model === 'string' ? body.model : undefined
  let plain: string | undefined
  const bodyFor = (upstream: Parameters<typeof UpstreamPool.upstreamModel>[0]) => {
    const name = model === undefined ? undefined : UpstreamPool.upstreamModel(upstream, model)
    if (name === model) return (plain ??= JSON.stringify(body))
    return JSON.stringify({ ...body, model: name })
  }
  return callUpstream(ctx, deps.pool, {
    method: 'POST',
    path: route.path,
    headers: request.headers,
    contentType: 'application/json',
    body: bodyFor,
    model,
    retryable: true,
    signal: request.signal,
  })
}

interface StoreTarget {
  cache: AnswerCache
  endpoint: CachedEndpoint
  keys: CacheKeys
  embedding?: Float32Array | Promise<Float32Array | undefined>
  flight: FlightClaim & { leader: true }
}

/**
 * Keeps a complete answer. A JSON answer is stored before it is sent; a stream when it ends complete:
 * `[DONE]` and every choice finished, even if the client hung up right after `[DONE]`.
 */
function recordingFor(target: StoreTarget, body: JsonObject, entryId: number | undefined): Recording {
  return startRecording(target.endpoint, body, async (outcome, text, recorder) => {
    const answer = recorder ? (outcome === 'complete' || outcome === 'cancelled' ? recorder.finish() : undefined) : outcome === 'complete' ? completeAnswer(target.endpoint, text) : undefined
    const entry = answer && (await target.cache.save(target.endpoint, target.keys, String(body.model), answer, target.embedding, entryId))
    await target.flight.settle(entry ? { entryId: entry.id } : 'failed')
  })
}
