import type { RedisConnection } from './connection'

// Which replicas share this Redis: each says it is alive every 10 s; the status page counts those heard
// from in the last minute.

const BEAT_MS = 10_000
const RECENT_MS = 60_000

export class ReplicaRegistry {
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    readonly id: string
  ) {
    this.timer = setInterval(() => void this.beat(), BEAT_MS)
    this.timer.unref?.()
    void this.beat()
  }

  /** Replicas heard from in the last minute (this one included), or undefined while Redis is away. */
  async seen(): Promise<number | undefined> {
    if (!this.redis.available) return undefined
    try {
      await this.beat()
      return Number(await this.redis.send('ZCOUNT', [this.key(), Date.now() - RECENT_MS, '+inf']))
    } catch {
      return undefined
    }
  }

  close() {
    clearInterval(this.timer)
  }

  private async beat() {
    if (!this.redis.available) return
    try {
      await this.redis.send('ZADD', [this.key(), Date.now(), this.id])
      await this.redis.send('ZREMRANGEBYSCORE', [this.key(), '-inf', Date.now() - 10 * RECENT_MS])
    } catch {}
  }

  private key() {
    return `${this.prefix}replicas`
  }
}
