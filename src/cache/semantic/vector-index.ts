import { open, rename, rm } from 'node:fs/promises'
import { Index, MetricKind, ScalarKind } from 'usearch'

// The in-memory half of the semantic cache: a usearch HNSW index of question embeddings, keyed by the
// SQLite entry id. It only proposes candidates; similarity is then computed exactly from the stored
// embedding, so i8 quantization (half the memory of f16, recall ≥ 0.999) costs no accuracy.
//
// usearch aborts the whole process (std::bad_alloc) on a corrupt file, so a file is only handed to it
// after its checksum and fingerprint, written beside it on save, have been verified.

export interface IndexFingerprint {
  model: string
  dims: number
  count: number
  maxId: number
  sumId: number
}

interface SavedMeta {
  version: 1
  fingerprint: IndexFingerprint
  checksum: string
  bytes: number
}

export type LoadResult = 'loaded' | 'missing' | 'stale' | 'corrupt'

const CHECKSUM_CHUNK = 4 << 20

/**
 * wyhash chained over fixed 4 MiB chunks (the chunking is part of the value, so every chunk but the last is
 * filled): 0.4 s for a 1.6 GiB index here against 3.4 s for md5. It guards against a damaged file, not a
 * forged one. Files saved by earlier versions carry an md5, still accepted.
 */
export async function checksum(path: string, kind: 'wyhash' | 'md5' = 'wyhash'): Promise<string> {
  if (kind === 'md5') {
    const hasher = new Bun.CryptoHasher('md5')
    for await (const chunk of Bun.file(path).stream()) hasher.update(chunk)
    return hasher.digest('hex')
  }
  const file = await open(path, 'r')
  try {
    const buffer = new Uint8Array(CHECKSUM_CHUNK)
    let hash = 0n
    for (let position = 0, filled = -1; filled !== 0; ) {
      filled = 0
      while (filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      if (filled > 0) hash = BigInt(Bun.hash.wyhash(buffer.subarray(0, filled), hash))
      position += filled
    }
    return `wyhash:${hash.toString(16)}`
  } finally {
    await file.close()
  }
}

/**
 * How far the index's i8 distance may sit from the exact cosine distance of the stored f32 vectors. Candidates
 * beyond (1 − threshold + slack) cannot clear the threshold, so the cache never reads them from SQLite.
 * test/unit/cache/semantic/vector-index.test.ts measures it on 1536-d unit vectors: at most 0.032, the worst on vectors whose
 * energy sits in a few large components (the small ones then lose most to rounding to 8 bits). Too small a
 * slack could only cost a hit, never serve a wrong answer: every candidate read is checked exactly.
 */
export const INDEX_DISTANCE_SLACK = 0.05

/** The index configuration, shared with the bench so that what it measures is what the proxy runs. */
export function createIndex(dimensions: number, expansionSearch = 0): Index {
  return new Index({
    dimensions,
    metric: MetricKind.Cos,
    quantization: ScalarKind.I8,
    connectivity: 0,
    expansion_add: 0,
    expansion_search: expansionSearch,
    multi: false,
  })
}

export class VectorIndex {
  private index?: Index
  private changed = false

  constructor(
    readonly file: string,
    /** usearch's expansion_search (0: its default, 64); not kept in the file, so given at every load. */
    private readonly searchExpansion = 0
  ) {}

  get dimensions(): number | undefined {
    return this.index?.dimensions()
  }

  get size(): number {
    return this.index?.size() ?? 0
  }

  /** True when entries were added or removed since the last save or load. */
  get dirty(): boolean {
    return this.changed
  }

  add(id: number, vector: Float32Array) {
    this.index ??= createIndex(vector.length, this.searchExpansion)
    if (vector.length !== this.index.dimensions()) return // another model's vector; it can never match
    const key = BigInt(id)
    if (this.index.contains(key)) return
    this.index.add(key, vector)
    this.changed = true
  }

  /**
   * Adds many vectors at once on `threads` native threads (0: usearch's choice, every core): a rebuild from
   * SQLite, where one-at-a-time adds would cost ~1 ms of the only JavaScript thread per vector.
   */
  addMany(rows: Array<{ id: number; embedding: Float32Array }>, threads = 0) {
    if (rows.length === 0) return
    this.index ??= createIndex(rows[0]!.embedding.length, this.searchExpansion)
    const index = this.index
    const dims = index.dimensions()
    // Ids already present (added by a request while a rebuild runs) would be refused by usearch.
    const fresh = rows.filter((row) => row.embedding.length === dims && !index.contains(BigInt(row.id)))
    if (fresh.length === 0) return
    const matrix = new Float32Array(fresh.length * dims)
    fresh.forEach((row, i) => matrix.set(row.embedding, i * dims))
    index.add(BigUint64Array.from(fresh, (row) => BigInt(row.id)), matrix, threads)
    this.changed = true
  }

  remove(ids: number[]) {
    if (!this.index || ids.length === 0) return
    for (const id of ids) if (this.index.remove(BigInt(id))) this.changed = true
  }

  search(vector: Float32Array, k: number): Array<{ id: number; distance: number }> {
    if (!this.index || this.index.size() === 0 || vector.length !== this.index.dimensions()) return []
    // One query: on the calling thread, without a hand-off to usearch's thread pool.
    const matches = this.index.search(vector, Math.min(k, this.index.size()), 1)
    const found: Array<{ id: number; distance: number }> = []
    for (let i = 0; i < matches.keys.length; i++) found.push({ id: Number(matches.keys[i]), distance: matches.distances[i]! })
    return found
  }

  /** Empties the index (before a rebuild). */
  clear() {
    this.index = undefined
    this.changed = true
  }

  /** Writes the index and its fingerprint; a crash between the two renames leaves a mismatch, not a wrong index. */
  async save(fingerprint: IndexFingerprint) {
    const meta = `${this.file}.json`
    if (!this.index || this.index.size() === 0) {
      await rm(this.file, { force: true })
      await rm(meta, { force: true })
      this.changed = false
      return
    }
    this.index.save(`${this.file}.tmp`)
    this.changed = false
    const saved: SavedMeta = {
      version: 1,
      fingerprint,
      checksum: await checksum(`${this.file}.tmp`),
      bytes: Bun.file(`${this.file}.tmp`).size,
    }
    await Bun.write(`${meta}.tmp`, JSON.stringify(saved))
    await rename(`${this.file}.tmp`, this.file)
    await rename(`${meta}.tmp`, meta)
  }

  /** Loads the saved index if it is intact and matches `expected` (what SQLite holds now). */
  async load(expected: IndexFingerprint): Promise<LoadResult> {
    const metaFile = Bun.file(`${this.file}.json`)
    const indexFile = Bun.file(this.file)
    if (!(await indexFile.exists())) return expected.count === 0 ? 'loaded' : 'missing'
    let meta: SavedMeta
    try {
      meta = JSON.parse(await metaFile.text())
    } catch {
      return 'corrupt'
    }
    if (meta.version !== 1 || meta.bytes !== indexFile.size) return 'corrupt'
    const kind = typeof meta.checksum === 'string' && meta.checksum.startsWith('wyhash:') ? 'wyhash' : 'md5'
    if (meta.checksum !== (await checksum(this.file, kind))) return 'corrupt'
    const saved = meta.fingerprint
    if (
      saved.model !== expected.model ||
      saved.count !== expected.count ||
      saved.maxId !== expected.maxId ||
      saved.sumId !== expected.sumId ||
      (expected.dims !== 0 && saved.dims !== expected.dims)
    )
      return 'stale'
    const index = createIndex(saved.dims, this.searchExpansion)
    index.load(this.file)
    if (index.size() !== saved.count) return 'corrupt'
    this.index = index
    this.changed = false
    return 'loaded'
  }
}
