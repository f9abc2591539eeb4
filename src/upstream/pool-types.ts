import type { UpstreamConfig } from '../config/upstreams'
import type { KeyHealthStore } from '../state/types'
import type { LogSink } from '../log/sink'
import type { Send, UpstreamRequest } from './client'
import type { Provider } from './providers'

// The shapes the upstream pool (pool.ts) works with: its upstreams and keys, a request to it and its answer.

export type AttemptOutcome = 'ok' | 'rate_limited' | 'disabled' | 'error'

export interface PoolKey {
  key: string
  fingerprint: string
}

export interface PoolUpstream extends UpstreamConfig {
  serves(model: string): boolean
  pool: PoolKey[]
  adapter: Provider
}

export interface PoolRequest extends Omit<UpstreamRequest, 'body'> {
  /** The client-facing model, when the request names one; without one, the first upstream takes it. */
  model?: string
  /** The body as sent to `upstream` (its model_map renames the model). */
  body: UpstreamRequest['body'] | ((upstream: PoolUpstream) => string)
  /** The path as sent to `upstream`, when it names the model (`/models/{model}`). */
  pathFor?: (upstream: PoolUpstream) => string
  /** False for bodies that stream (multipart, audio): they can be sent only once. */
  retryable: boolean
  /**
   * The proxy's own call (the cache's embeddings), which no client reads: a refusal it meets is kept for the
   * next client, and it never takes one kept so.
   */
  internal?: boolean
  /** Only the upstreams that can take the request (speak its dialect or group, natively or translated). */
  accepts?: (upstream: PoolUpstream) => boolean
  /**
   * The one upstream key that may answer: the account that made the id the request continues (a Responses
   * `previous_response_id`, a conversation). Nothing else knows it.
   */
  pin?: { upstream: string; fingerprint: string }
  /** A hash of the request's prompt prefix: requests sharing one go to the same healthy key (its provider's prompt cache). */
  affinity?: string
}

export interface PoolAnswer {
  response: Response
  upstream: string
  fingerprint: string
}

export interface PoolOptions {
  health: KeyHealthStore
  send: Send
  attempts: number
  log: LogSink
  now?: () => number
  onAttempt?: (upstream: string, fingerprint: string, outcome: AttemptOutcome) => void
}
