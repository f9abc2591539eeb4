// Every piece of state the proxy shares between requests, as async interfaces: what one process keeps in
// memory or SQLite today, a network store (Redis) can keep for several replicas tomorrow. Implementations
// live in state/memory, state/sqlite (and state/redis); compose.ts alone picks them. Each interface has one
// contract suite in test/contract/ that every implementation passes.
//
// Rules every implementation keeps:
// - Checks that guard money (a rate-limit window, a budget reservation) are checked and counted in one
//   atomic step: N concurrent callers admit exactly what one caller at a time would.
// - Nothing here ever sees a secret: proxy keys are named by their configured name or a hash, upstream
//   keys by their fingerprint.

import type { CachedEndpoint, StoredAnswer } from '../openai/answer'

export type { CachedEndpoint, StoredAnswer }

// ─── rate limits ──────────────────────────────────────────────────────────────────────────────────────────

/** The outcome of a sliding-window check (after upstash ratelimit's result type). */
export interface RateLimitResult {
  success: boolean
  limit: number
  remaining: number
  /** ms until the next request would be allowed (0 when allowed now). */
  retryAfterMs: number
  /** ms until the window is empty again (OpenAI's x-ratelimit-reset-requests). */
  resetMs: number
  /** Identifies the counted request, for `release`; set only when `success`. */
  token?: string
}

/** Sliding-window logs: exact (no fixed-window bursts at a boundary). */
export interface RateLimitStore {
  /** Counts one request for `key` when fewer than `limit` were counted in the last `windowMs`. Atomic. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>
  /** The window of `key` as `hit` would see it, counting nothing. */
  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult>
  /** Takes back the request `hit` counted (it was answered from the cache after all). */
  release(key: string, token: string): Promise<void>
}

// ─── in-flight sharing ────────────────────────────────────────────────────────────────────────────────────

/**
 * What the leader of an upstream call ended with: the cache entry that answered it (one it stored, or a
 * semantic hit), or nothing.
 */
export type FlightOutcome = { entryId: number } | 'failed'

export type FlightClaim =
  | {
      leader: true
      /** Must be called once, however the call ends; followers are then served that entry (or call themselves). */
      settle(outcome: FlightOutcome): Promise<void>
    }
  | { leader: false; outcome: Promise<FlightOutcome> }

/** Identical requests share one upstream call: the first to claim a cache key makes it, the others wait. */
export interface InFlightStore {
  /**
   * Claims `key`. Atomic: of concurrent claims on one key exactly one leads. A follower's `outcome` always
   * resolves, also when the leader's process dies (then as 'failed', within a few seconds).
   */
  claim(key: string): Promise<FlightClaim>
}

// ─── Responses ids and translated responses: in responses.ts beside this file ─────────────────────────────

export type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from './responses'
export type { ServedHit, ServedHitStore } from './served-hits'
import type { ServedHitStore } from './served-hits'
import type { KeptResponseStore, ResponseOriginStore } from './responses'

// ─── cache entries: in cache-entries.ts beside this file (the largest interface, on its own) ─────────────

export type { Candidate, CacheEntry, CacheEntryStore, EntryChange, EntryFilter, EntryLabel, EntrySummary, NewEntry, VectorSummary } from './cache-entries'
import type { CacheEntryStore } from './cache-entries'

// ─── statistics ───────────────────────────────────────────────────────────────────────────────────────────

/** Requests and hits in one time bucket of the status page's chart. */
export interface SeriesPoint {
  bucket: number
  requests: number
  hitsExact: number
  hitsSemantic: number
}

/** Counts made since the last `add`: added to what the store holds (so replicas' counts sum). */
export interface StatsDelta {
  totals: Map<string, number>
  points: Map<number, Omit<SeriesPoint, 'bucket'>>
}

export interface StatsData {
  totals: Map<string, number>
  points: SeriesPoint[]
  /** When counting began (ms). */
  since: number
}

/** The totals and the time series behind /stats and the status page. */
export interface StatsStore {
  add(delta: StatsDelta): Promise<void>
  /** Totals, and the series points from `fromBucket` on. */
  read(fromBucket: number): Promise<StatsData>
  /** Drops series points older than `bucket`. */
  prune(beforeBucket: number): Promise<void>
  close(): Promise<void>
}

// ─── usage and budgets (per proxy key) ────────────────────────────────────────────────────────────────────

/** A key's counts for one UTC day and model. */
export interface UsageRow {
  key: string
  /** YYYY-MM-DD, UTC. */
  day: string
  model: string
  requests: number
  hits: number
  promptTokens: number
  completionTokens: number
  /** Of the prompt tokens: read from the provider's prompt cache (DESIGN §1.9). */
  cachedTokens: number
  /** Of the prompt tokens: written to the provider's prompt cache. */
  cacheWriteTokens: number
  /** Of the completion tokens: reasoning. */
  reasoningTokens: number
  costUsd: number
  savedUsd: number
}

/** What one request adds to its row; the prompt's and completion's parts count 0 when not given. */
export type UsageDelta = Omit<UsageRow, UsageParts> & Partial<Pick<UsageRow, UsageParts>>
type UsageParts = 'cachedTokens' | 'cacheWriteTokens' | 'reasoningTokens'

export interface UsageStore {
  add(delta: UsageDelta): Promise<void>
  /** Rows of `key` (every key when undefined) with `fromDay` ≤ day < `toDay`. */
  rows(key: string | undefined, fromDay: string, toDay: string): Promise<UsageRow[]>
  reset(key: string): Promise<void>
}

export interface Reservation {
  ok: boolean
  /** Settled spend of the period, and what is reserved by requests still running (this one included when ok). */
  spent: number
  reserved: number
  /** Identifies an ok reservation for `settle` / `release`. */
  id?: string
}

/**
 * Spend per key and budget period (a period is a string such as `month:2026-12`): settled amounts, and
 * reservations of requests in flight, which expire by themselves after `ttlMs` (a process that died cannot
 * leave one behind).
 */
export interface BudgetStore {
  /** Reserves `amount` when spent + reserved + amount ≤ `limit`. Atomic. */
  reserve(key: string, period: string, amount: number, limit: number, ttlMs: number): Promise<Reservation>
  /** Replaces the reservation by what the request actually cost. */
  settle(key: string, period: string, id: string, actual: number): Promise<void>
  /** Drops the reservation, spending nothing. */
  release(key: string, period: string, id: string): Promise<void>
  /** Adds spend without a reservation (what a request cost beyond its estimate, or a free-path cost). */
  spend(key: string, period: string, amount: number): Promise<void>
  spent(key: string, period: string): Promise<{ spent: number; reserved: number }>
  reset(key: string): Promise<void>
}

// ─── upstream key health ──────────────────────────────────────────────────────────────────────────────────

export interface KeyHealth {
  /**
   * Cool-downs after a 429, by the upstream's name of the model ('' for requests that name none): providers
   * limit per model, so a 429 on one model must not rest the key for the others. ms timestamps; some may be
   * over already (readers compare with their clock).
   */
  cooling: Map<string, number>
  /** Set while the key is disabled (revoked, out of quota) — for every model: why, and when to recheck it. */
  disabled?: { reason: string; since: number; recheckAt: number }
}

/** An upstream's answer refusing a key (401, 403, 429 insufficient_quota): its status and body, keys masked. */
export interface KeptRefusal {
  status: number
  body: string
}

/** Health of upstream keys, by fingerprint (a short hash of the key, never the key). */
export interface KeyHealthStore {
  get(fingerprints: readonly string[]): Promise<Map<string, KeyHealth>>
  /**
   * Cools the key down for `model` until `until` (never shortening a longer one); cool-downs over by `now`
   * are dropped on the way, so a key holds only the models it rests for.
   */
  coolDown(fingerprint: string, model: string, until: number, now: number): Promise<void>
  /**
   * Disables a key; true when it was not disabled before (so it is logged once). `refusal` is the upstream's
   * answer when no client saw it (the cache's embedding call or the start-up check met it): kept for
   * `takeRefusal`, so the first client still learns why, whichever replica it reaches.
   */
  disable(fingerprint: string, reason: string, since: number, recheckAt: number, refusal?: KeptRefusal): Promise<boolean>
  /** The refusal kept by `disable`, once (a second call gets none); `enable` drops it. */
  takeRefusal(fingerprint: string): Promise<KeptRefusal | undefined>
  /** Sets the next recheck time of a disabled key (a recheck failed). */
  postpone(fingerprint: string, recheckAt: number): Promise<void>
  enable(fingerprint: string): Promise<void>
}

// ─── proxy keys made by the admin API ─────────────────────────────────────────────────────────────────────

export interface StoredKey {
  name: string
  /** SHA-256 (hex) of the key: the key itself is shown once, at creation, and never stored. */
  hash: string
  /** The key's settings as the admin API took them (validated by auth/). */
  settings: Record<string, unknown>
  createdAt: number
  updatedAt: number
}

export interface KeyStore {
  list(): Promise<StoredKey[]>
  get(name: string): Promise<StoredKey | undefined>
  /** By the key's hash: how a replica accepts a key another one made before its next reload. */
  findByHash(hash: string): Promise<StoredKey | undefined>
  /** False when a key of that name (or hash) exists already. */
  create(key: StoredKey): Promise<boolean>
  update(name: string, settings: Record<string, unknown>, at: number): Promise<StoredKey | undefined>
  delete(name: string): Promise<boolean>
  /** Calls `listener` after every change (also those other replicas make); returns an unsubscribe. */
  subscribe(listener: () => void): () => void
  close(): Promise<void>
}

/** Everything compose.ts hands to the app. */
export interface StateStores {
  rateLimits: RateLimitStore
  inFlight: InFlightStore
  stats: StatsStore
  usage: UsageStore
  budgets: BudgetStore
  keyHealth: KeyHealthStore
  keys: KeyStore
  /** Which upstream key made each Responses id (DESIGN §1.8 affinity). */
  responseOrigins: ResponseOriginStore
  /** Responses the proxy made by translation, for `previous_response_id` and GET /v1/responses/{id}. */
  keptResponses: KeptResponseStore
  /** Absent when the cache is off. */
  cacheEntries?: CacheEntryStore
  /** The hits each key was served lately (DESIGN §1.11); absent when the cache is off. */
  servedHits?: ServedHitStore
}
