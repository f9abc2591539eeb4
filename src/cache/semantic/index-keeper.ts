import type { LogSink } from '../../log/sink'
import type { CacheEntryStore } from '../../state/types'
import type { IndexFingerprint, LoadResult, VectorIndex } from './vector-index'

// Keeps the vector index true to the entry store, which is the truth: it follows the store's change feed,
// loads the saved index at start when its fingerprint matches the store, else rebuilds it from the store in
// the background (exact hits are served meanwhile), and saves it every minute and on close.

/** Vectors per multi-threaded batch of a rebuild: each batch holds the event loop for tens of milliseconds. */
const REBUILD_PAGE = 200

export class IndexKeeper {
  private rebuilding: Promise<void> | undefined
  private readonly unsubscribe: () => void

  constructor(
    private readonly index: VectorIndex,
    private readonly entries: CacheEntryStore,
    private readonly model: string,
    private readonly log: LogSink,
    /** Storage failures, logged at most once a minute. */
    private readonly failure: (kind: string, line: string) => void,
    /** What the log calls the entry store. */
    private readonly storeName = 'cache.sqlite'
  ) {
    // Followed from before the load or rebuild, so nothing added meanwhile is missed (adds are idempotent).
    this.unsubscribe = entries.subscribe((change) => {
      // A gap is harmless here: a vector whose entry is gone can never make a hit (candidates are read
      // from the store), and one missed is only a semantic hit less until the next rebuild.
      if (change.kind === 'removed') index.remove(change.ids)
      else if (change.kind === 'added' && change.model === model) index.add(change.id, change.embedding)
    })
  }

  /** Loads the saved index, or starts a background rebuild; says in the log which. */
  async open(describeStore: (indexSize: number) => string): Promise<void> {
    let result: LoadResult
    try {
      result = await this.index.load(await this.fingerprint())
    } catch (error) {
      this.failure('read', `cache: could not read ${this.storeName} (${(error as Error).message}); rebuilding the semantic index`)
      result = 'stale'
    }
    if (result === 'loaded') this.log(describeStore(this.index.size))
    else this.rebuilding = this.rebuild(result)
  }

  /** Resolves once a start-up rebuild (if any) is done; for tests and orderly shutdown. */
  ready(): Promise<void> {
    return this.rebuilding ?? Promise.resolve()
  }

  /** Saves the index when it changed; a failure only means a rebuild at the next start. */
  async save() {
    if (this.rebuilding || !this.index.dirty) return
    try {
      await this.index.save(await this.fingerprint())
    } catch (error) {
      this.failure('index', `cache: could not write the semantic index (${(error as Error).message}); it will be rebuilt at start`)
    }
  }

  async close() {
    this.unsubscribe()
    await this.ready()
    await this.save()
  }

  private async fingerprint(): Promise<IndexFingerprint> {
    return { model: this.model, dims: this.index.dimensions ?? 0, ...(await this.entries.vectorSummary(this.model)) }
  }

  /** Refills the index from the store in pages, yielding between them so requests keep being served. */
  private async rebuild(reason: string) {
    const started = performance.now()
    try {
      const total = (await this.entries.vectorSummary(this.model)).count
      this.log(`cache: semantic index ${reason}, rebuilding it from ${this.storeName === 'cache.sqlite' ? 'SQLite' : this.storeName} (${total} embedded answers) in the background`)
      this.index.clear()
      for (let after = 0; ; ) {
        const page = await this.entries.vectors(this.model, after, REBUILD_PAGE)
        if (page.length === 0) break
        this.index.addMany(page)
        after = page[page.length - 1]!.id
        await Bun.sleep(0)
      }
      this.log(`cache: semantic index rebuilt, ${this.index.size} vectors in ${((performance.now() - started) / 1000).toFixed(1)}s`)
    } catch (error) {
      this.failure('read', `cache: could not read ${this.storeName} (${(error as Error).message}); the semantic index holds ${this.index.size} vectors`)
    } finally {
      this.rebuilding = undefined
    }
    await this.save()
  }
}
