import type { LogSink } from '../../log/sink'

// Embeddings for the semantic cache, through the upstream pool (or EMBEDDING_BASE_URL). When they fail, the
// semantic layer steps aside for a while instead of failing requests: exact caching and proxying go on.
// The pause grows while failures repeat, and each outage is logged once, not once per request.

/** Sends an embeddings request body (JSON) and returns the answer; compose.ts picks where it goes. */
export type EmbeddingsRequest = (body: string, signal: AbortSignal) => Promise<Response>

export interface EmbeddingsSource {
  request: EmbeddingsRequest
  /** Named in the log line of an outage: "the upstream pool", or EMBEDDING_BASE_URL's origin. */
  name: string
}

export interface EmbedderOptions {
  model: string
  log: LogSink
  /** None: no upstream serves the embedding model, and semantic matching stays off. */
  source?: EmbeddingsSource
  timeoutMs?: number
  now?: () => number
}

const FIRST_PAUSE_MS = 30_000
const LONGEST_PAUSE_MS = 10 * 60_000
/** Longer texts are matched exactly only: a paraphrase of a pasted document is not a safe hit. */
export const MAX_SEMANTIC_CHARS = 4000

export class Embedder {
  private pausedUntil = 0
  private pauseMs = FIRST_PAUSE_MS
  private failing = false
  private readonly now: () => number

  constructor(private readonly options: EmbedderOptions) {
    this.now = options.now ?? Date.now
  }

  get model(): string {
    return this.options.model
  }

  /** False while the semantic layer has stepped aside after failures. */
  get available(): boolean {
    return !!this.options.source && this.now() >= this.pausedUntil
  }

  /** The unit-length embedding of `text`, or undefined when embeddings are unavailable. */
  async embed(text: string): Promise<Float32Array | undefined> {
    const source = this.options.source
    if (!source || !this.available) return undefined
    let failure: string
    try {
      const response = await source.request(
        JSON.stringify({ model: this.options.model, input: text }),
        AbortSignal.timeout(this.options.timeoutMs ?? 15_000)
      )
      if (response.ok) {
        const vector = ((await response.json()) as any)?.data?.[0]?.embedding
        if (Array.isArray(vector) && vector.length > 0 && vector.every((x) => typeof x === 'number')) {
          this.recovered()
          return normalize(Float32Array.from(vector))
        }
        failure = 'the answer held no embedding'
      } else {
        await response.body?.cancel()
        failure = `HTTP ${response.status}`
      }
    } catch (error) {
      // An ApiError of the pool names what happened (upstream_keys_exhausted, …); a plain fetch only fails.
      const { name, code } = error as { name?: string; code?: string }
      if (name === 'TimeoutError' || code === 'upstream_timeout') failure = 'timed out'
      else if (name === 'ApiError' && code && code !== 'upstream_unreachable') failure = code
      else failure = 'unreachable'
    }
    this.failed(failure)
    return undefined
  }

  private failed(reason: string) {
    if (!this.failing) {
      this.options.log(
        `cache: semantic matching paused, embeddings from ${this.options.source!.name} failed (${reason}, model ${this.options.model}); exact caching continues`
      )
    }
    this.failing = true
    this.pausedUntil = this.now() + this.pauseMs
    this.pauseMs = Math.min(this.pauseMs * 2, LONGEST_PAUSE_MS)
  }

  private recovered() {
    if (this.failing) this.options.log('cache: embeddings work again, semantic matching resumed')
    this.failing = false
    this.pauseMs = FIRST_PAUSE_MS
  }
}

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0
  for (const x of vector) sum += x * x
  const norm = Math.sqrt(sum) || 1
  for (let i = 0; i < vector.length; i++) vector[i]! /= norm
  return vector
}

/** Cosine similarity; stored vectors come back from f16 only nearly unit-length, so both norms are used. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -1
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0
}
