import type { LogSink } from '../../log/sink'

// Embeddings for the semantic cache, fetched from the upstream (or EMBEDDING_BASE_URL). When they fail, the
// semantic layer steps aside for a while instead of failing requests: exact caching and proxying go on.
// The pause grows while failures repeat, and each outage is logged once, not once per request.

export interface EmbedderOptions {
  baseUrl: string
  key: string
  model: string
  log: LogSink
  timeoutMs?: number
  fetch?: typeof fetch
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
  private readonly send: typeof fetch

  constructor(private readonly options: EmbedderOptions) {
    this.now = options.now ?? Date.now
    this.send = options.fetch ?? fetch
  }

  get model(): string {
    return this.options.model
  }

  /** False while the semantic layer has stepped aside after failures. */
  get available(): boolean {
    return this.now() >= this.pausedUntil
  }

  /** The unit-length embedding of `text`, or undefined when embeddings are unavailable. */
  async embed(text: string): Promise<Float32Array | undefined> {
    if (!this.available) return undefined
    let failure: string
    try {
      const response = await this.send(`${this.options.baseUrl}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` },
        body: JSON.stringify({ model: this.options.model, input: text }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        // A redirect would carry the question (and the key's bearer header) to wherever it points.
        redirect: 'manual',
      })
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
      failure = (error as Error)?.name === 'TimeoutError' ? 'timed out' : 'unreachable'
    }
    this.failed(failure)
    return undefined
  }

  private failed(reason: string) {
    if (!this.failing) {
      this.options.log(
        `cache: semantic matching paused, embeddings from ${new URL(this.options.baseUrl).origin} failed (${reason}, model ${this.options.model}); exact caching continues`
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
