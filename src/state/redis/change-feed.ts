import type { EntryChange } from '../types'
import type { RedisConnection } from './connection'

// Follows the cache's change stream (a Redis stream the store's scripts append to) for one replica: the
// entries other replicas added (with their vectors) and removed. It reads on a connection of its own, since
// XREAD BLOCK would hold up every other command, from the end of the stream as it is when following starts.
// Back after an outage it goes on from the last change it saw and says there was a gap: what the stream
// trimmed meanwhile is lost to this replica's index until it restarts, which can never make a wrong hit
// (candidates are read from the store), and the answers kept hot forget everything.

export interface FeedTarget {
  /** The stored vector of an entry another replica added (undefined once it is gone). */
  embedding(id: number): Promise<Float32Array | undefined>
  emit(change: EntryChange): void
}

export class ChangeFeed {
  private stopped = false
  private readonly reader: RedisConnection

  constructor(
    redis: RedisConnection,
    private readonly stream: string,
    /** This replica's own changes, announced by the store itself at once, are skipped. */
    private readonly origin: string,
    private readonly target: FeedTarget
  ) {
    this.reader = redis.duplicate()
    void this.follow()
  }

  stop() {
    this.stopped = true
    this.reader.close()
  }

  private async follow() {
    await this.reader.connect()
    let last = '$'
    try {
      const newest = await this.reader.send('XREVRANGE', [this.stream, '+', '-', 'COUNT', 1])
      last = Array.isArray(newest) && newest[0] ? newest[0][0] : '0-0'
    } catch {}
    let gap = false
    while (!this.stopped) {
      let answer: any
      try {
        answer = await this.reader.send('XREAD', ['COUNT', 200, 'BLOCK', 1000, 'STREAMS', this.stream, last])
      } catch {
        if (!gap && !this.stopped) this.target.emit({ kind: 'gap' })
        gap = true
        await Bun.sleep(500)
        continue
      }
      gap = false
      const events: Array<[string, string[]]> = answer?.[this.stream] ?? []
      for (const [id, flat] of events) {
        last = id
        const fields: Record<string, string> = {}
        for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
        if (fields.origin === this.origin) continue
        const ids = (fields.ids ?? '').split(',').filter(Boolean).map(Number)
        if (fields.kind === 'removed') this.target.emit({ kind: 'removed', ids })
        else if (fields.kind === 'added') {
          for (const entryId of ids) {
            const embedding = await this.target.embedding(entryId).catch(() => undefined)
            if (embedding) this.target.emit({ kind: 'added', id: entryId, embedding, model: fields.model! })
          }
        }
      }
    }
  }
}
