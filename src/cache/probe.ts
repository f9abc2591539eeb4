import { cachedDialectOf } from '../dialects'
import type { ReplayTemplate } from '../dialects/replay-template'
import type { CachedEndpoint, StoredAnswer } from '../openai/answer'
import type { JsonObject } from '../openai/validate'
import type { CacheEntry, FlightClaim } from '../state/types'
import type { CacheKeys } from './keys'
import type { CachePlan } from './policy'
import type { HitEstimate } from './semantic/hit-judge'

// One request's walk through the cache (DESIGN §2): exact lookup, in-flight sharing, admission (the
// caller's, counted before anything is spent), the semantic lookup with its embedding wait, and, for a
// miss, the answer stored once it is complete. The pipeline calls `probe` and gets either a hit to serve or
// an admitted miss with the means to store its answer; it never drives the cache's steps itself.

export interface Hit {
  entry: CacheEntry
  match: 'exact' | 'semantic'
  similarity?: number
  /** A semantic hit's question: its embedding and a hash of its text, kept for its key's refutation (judgements.ts). */
  question?: Float32Array
  questionHash?: string
  /** What the judge weighed (hit-judge.ts). */
  estimate?: HitEstimate
}

export interface ProbeRequest {
  endpoint: CachedEndpoint
  /** The request body; the skip word is removed from it here. */
  body: JsonObject
  headers: Headers
  /** The query string (`?api-version=…`), which splits the keys. */
  query: string
  /** The calling key's cache group. */
  group: string
  model: string
  /** The request as the answers kept hot know it (hot-answers.ts), with what its hit must carry. */
  hot?: { request: string; outputCap?: string }
  /** Told, before anything else happens, whether the request is looked up (a MISS until it hits) or not. */
  onPlan?: (lookup: boolean) => void
  /** Who asks (the key's rate-limit id): a refresh of a question it was served by meaning refutes that hit. */
  account?: string
}

/** What an admission must offer the probe: to be handed back when the cache answers after all. */
export interface Admitted {
  release(): Promise<void>
}

/** A miss's answer on its way: taken down as it passes, stored when it is complete. */
export interface PendingAnswer {
  /** The id it will be stored under (named in `x-cache-entry` before it is complete), when one was had. */
  entryId?: number
  /** Sees every chunk of a streamed answer. */
  chunk(chunk: Uint8Array): void
  /** Called once, with how the answer ended (and a JSON answer's text): stores a complete one. */
  done(outcome: 'complete' | 'cut' | 'cancelled' | 'failed', jsonText?: string): Promise<void>
}

export type ProbeResult<A extends Admitted> =
  | { hit: Hit; template: ReplayTemplate }
  | { hit?: undefined; admission: A; pending?: PendingAnswer }

/** What the probe needs of the cache (answer-cache.ts). */
export interface ProbeSteps {
  readonly embeddingWaitMs: number
  plan(endpoint: CachedEndpoint, body: JsonObject, headers: Headers, query: string, group: string): { plan: CachePlan; keys: CacheKeys }
  /** A refresh (skip word, no-cache) of `keys` by `account`: refutes the semantic hit it was served for them, if any. */
  refresh(account: string, keys: CacheKeys): void
  exact(keys: CacheKeys): Promise<Hit | undefined>
  keepHot(request: string, hit: Hit, template: ReplayTemplate, model?: string, outputCap?: string): void
  claim(keys: CacheKeys): Promise<FlightClaim>
  entry(id: number): Promise<CacheEntry | undefined>
  canMatchByMeaning(keys: CacheKeys): boolean
  embed(keys: CacheKeys): Promise<Float32Array | undefined>
  semantic(keys: CacheKeys, embedding: Float32Array): Promise<Hit | undefined>
  served(hit: Hit): void
  allocateId(): Promise<number | undefined>
  save(endpoint: CachedEndpoint, keys: CacheKeys, model: string, answer: StoredAnswer, vector?: Float32Array | Promise<Float32Array | undefined>, id?: number): Promise<CacheEntry | undefined>
}

type Leader = FlightClaim & { leader: true }

export async function probe<A extends Admitted>(cache: ProbeSteps, request: ProbeRequest, admit: () => Promise<A>): Promise<ProbeResult<A>> {
  const dialect = cachedDialectOf(request.endpoint)
  const { plan, keys } = cache.plan(request.endpoint, request.body, request.headers, request.query, request.group)
  request.onPlan?.(plan.lookup)
  if (!plan.lookup && plan.store && request.account !== undefined) cache.refresh(request.account, keys)
  const serve = (hit: Hit) => {
    cache.served(hit)
    return { hit, template: dialect.template(hit.entry.answer, dialect.replayForm(request.body)) }
  }

  const exact = plan.lookup ? await cache.exact(keys) : undefined
  if (exact) {
    const found = serve(exact)
    if (request.hot) cache.keepHot(request.hot.request, exact, found.template, request.model, request.hot.outputCap)
    return found
  }

  const flight = await shareInFlight(cache, plan, keys)
  if (flight.hit) return serve(flight.hit)
  try {
    // A client over its limit or budget still got its exact hit above, but no embedding is bought for it.
    const admission = await admit()
    try {
      const semantic = await lookupByMeaning(cache, plan, keys)
      if (semantic.hit) {
        await admission.release()
        await flight.claim?.settle({ entryId: semantic.hit.entry.id })
        return serve(semantic.hit)
      }
      const pending = flight.claim && (await pendingAnswer(cache, request, keys, flight.claim, semantic.embedding ?? semantic.pending))
      return { admission, pending }
    } catch (error) {
      await admission.release()
      throw error
    }
  } catch (error) {
    await flight.claim?.settle('failed')
    throw error
  }
}

/**
 * Identical requests share one upstream call (or one semantic lookup): the first to claim the key leads,
 * the others wait for the entry that answered it and are served that. A request that leads looks once
 * more, since the answer of an identical request may have been stored between its own lookup and its claim.
 */
async function shareInFlight(cache: ProbeSteps, plan: CachePlan, keys: CacheKeys): Promise<{ hit?: Hit; claim?: Leader }> {
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

const UNSHARED: Leader = { leader: true, settle: async () => {} }

/** Embeds the question and looks for a near one; the embedding is kept for storing the answer. */
async function lookupByMeaning(
  cache: ProbeSteps,
  plan: CachePlan,
  keys: CacheKeys
): Promise<{ hit?: Hit; embedding?: Float32Array; pending?: Promise<Float32Array | undefined> }> {
  if (!plan.lookup || !cache.canMatchByMeaning(keys)) return {}
  const pending = cache.embed(keys)
  // A slow embedder never holds a miss up for long: past EMBEDDING_WAIT_MS the request goes upstream, and
  // the embedding, still on its way, is stored with the answer when it comes.
  const embedding = await within(pending, cache.embeddingWaitMs)
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
 * Keeps a complete answer. A JSON answer is stored before it is sent; a stream when it ends complete (the
 * dialect's end seen and every choice finished), even if the client hung up right after it.
 */
async function pendingAnswer(
  cache: ProbeSteps,
  request: ProbeRequest,
  keys: CacheKeys,
  flight: Leader,
  embedding: Float32Array | Promise<Float32Array | undefined> | undefined
): Promise<PendingAnswer> {
  const dialect = cachedDialectOf(request.endpoint)
  const recorder = dialect.recorder(request.body)
  const entryId = await cache.allocateId()
  let settled = false
  return {
    entryId,
    chunk: (chunk) => recorder?.push(chunk),
    async done(outcome, text) {
      if (settled) return
      settled = true
      const answer = recorder
        ? outcome === 'complete' || outcome === 'cancelled'
          ? recorder.finish()
          : undefined
        : outcome === 'complete'
          ? dialect.completeAnswer(text)
          : undefined
      const entry = answer && (await cache.save(request.endpoint, keys, request.model, answer, embedding, entryId))
      await flight.settle(entry ? { entryId: entry.id } : 'failed')
    },
  }
}
