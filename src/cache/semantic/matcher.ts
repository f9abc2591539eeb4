import type { CacheEntry, CacheEntryStore } from '../../state/types'
import type { CacheKeys } from '../keys'
import { cosine, MAX_SEMANTIC_CHARS, type Embedder } from './embedder'
import { guardAllows } from './guard/guard'
import type { HitEstimate, HitJudge } from './hit-judge'
import { INDEX_DISTANCE_SLACK, type VectorIndex } from './vector-index'

// A question matched by meaning: embed it, ask the index for near questions, keep those of the same
// partition whose exact cosine clears the threshold, that the guard lets through and the judge accepts (not
// refuted for this question; the entry's own threshold when CACHE_MAX_WRONG_RATE is set), and take the nearest.
// The index only proposes: similarity is computed from the stored vector, so its quantization costs no
// accuracy, and a stale index entry can never make a hit (the store is asked for every candidate).

/** Candidates asked of the index: a first look, then a wider one when other partitions crowd the nearest. */
const SEARCH_WIDTHS = [16, 128]

export interface SemanticHit {
  entry: CacheEntry
  similarity: number
  estimate: HitEstimate
}

export class SemanticMatcher {
  constructor(
    private readonly embedder: Embedder,
    private readonly index: VectorIndex,
    private readonly entries: CacheEntryStore
  ) {}

  get model(): string {
    return this.embedder.model
  }

  /** Whether a lookup could run for these keys (checked before anything is spent on an embedding). */
  canMatch(keys: CacheKeys): boolean {
    const text = keys.semanticText
    return !!text && text.trim().length > 0 && text.length <= MAX_SEMANTIC_CHARS && this.embedder.available
  }

  embed(text: string): Promise<Float32Array | undefined> {
    return this.embedder.embed(text)
  }

  /** The nearest acceptable answer to `embedding` of `keys.semanticText` in its partition, if any. */
  async lookup(keys: CacheKeys, embedding: Float32Array, judge: HitJudge): Promise<SemanticHit | undefined> {
    const text = keys.semanticText!
    let best: { id: number; similarity: number; estimate: HitEstimate } | undefined
    const reach = 1 - judge.floor + INDEX_DISTANCE_SLACK
    for (const width of SEARCH_WIDTHS) {
      const found = this.index.search(embedding, width)
      // Only candidates that could clear the threshold are read: most lookups then read one row or none.
      const near = found.filter((f) => f.distance <= reach)
      const peers = (await this.entries.candidates(near.map((f) => f.id))).filter(
        (c) => c.partition === keys.partition && c.embeddingModel === this.embedder.model && c.embedding && c.prompt !== null
      )
      for (const peer of peers) {
        const similarity = cosine(embedding, peer.embedding!)
        if (similarity < judge.floor || (best && similarity <= best.similarity)) continue
        if (!guardAllows(text, peer.prompt!).ok) continue
        const verdict = judge.judge(embedding, peer, similarity)
        if (verdict.ok) best = { id: peer.id, similarity, estimate: verdict.estimate }
      }
      // A wider look only helps when every near candidate belonged to another partition and more may follow.
      if (best || peers.length > 0 || near.length < width) break
    }
    const entry = best && (await this.entries.getById(best.id))
    return entry ? { entry, similarity: best!.similarity, estimate: best!.estimate } : undefined
  }
}
