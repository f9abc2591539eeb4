import { RedisClient } from 'bun'
import type { LogSink } from '../../log/sink'

// One connection to Redis for a replica's shared state (REDIS_URL: redis:// or rediss://, with a password
// and a database index). Bun's own client: it speaks RESP to Redis 7.0 (Debian 12's), runs Lua scripts
// (EVAL, with TIME inside them), and reconnects by itself. Commands fail at once while it is away (no
// offline queue): every store then falls back or steps aside, and one log line says Redis went, one that
// it is back.

export class RedisConnection {
  readonly client: RedisClient
  private state: 'new' | 'up' | 'down' = 'new'
  private closing = false
  private retry: ReturnType<typeof setInterval> | undefined

  constructor(
    readonly url: string,
    private readonly log: LogSink,
    /** Names this replica in the log lines. */
    private readonly label = 'redis'
  ) {
    this.client = new RedisClient(url, { autoReconnect: true, maxRetries: 4_000_000_000, enableOfflineQueue: false, connectionTimeout: 2_000 })
    this.client.onconnect = () => this.back()
    this.client.onclose = () => this.gone('connection closed')
  }

  /** A second connection for blocking reads (XREAD BLOCK must not hold up the commands of the first). */
  duplicate(): RedisConnection {
    return new RedisConnection(this.url, () => {}, this.label)
  }

  get available(): boolean {
    return this.state === 'up'
  }

  /** Connects once at start; a Redis that is not there yet is not fatal (the replica serves meanwhile). */
  async connect(): Promise<boolean> {
    try {
      await this.client.connect()
      this.back()
      return true
    } catch (error) {
      this.gone((error as Error).message)
      return false
    }
  }

  /** Runs a command; a failure marks Redis away (logged once) and is thrown on for the caller to handle. */
  async send(command: string, args: Array<string | number>): Promise<any> {
    try {
      return await this.client.send(command, args.map(String))
    } catch (error) {
      if (isConnectionError(error)) this.gone((error as Error).message)
      throw error
    }
  }

  /** EVAL with its keys and arguments (scripts are short: sent whole, no SHA cache to lose on a restart). */
  eval(script: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<any> {
    return this.send('EVAL', [script, keys.length, ...keys, ...args])
  }

  close() {
    this.closing = true
    clearInterval(this.retry)
    this.client.close()
  }

  private gone(reason: string) {
    if (this.closing) return
    // The client reconnects by itself once it has been connected; until the first connection, try here.
    this.retry ??= setInterval(() => void this.client.connect().then(() => this.back(), () => {}), 2_000)
    this.retry.unref?.()
    if (this.state !== 'down') {
      this.log(`${this.label}: unreachable (${reason.slice(0, 120)}); serving from this replica's own memory until it is back`)
    }
    this.state = 'down'
  }

  private back() {
    clearInterval(this.retry)
    this.retry = undefined
    if (this.state === 'down') this.log(`${this.label}: back; sharing resumed`)
    this.state = 'up'
  }
}

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? ''
  return code.startsWith('ERR_REDIS_CONNECTION') || /connection|closed|ECONNREFUSED|timeout/i.test((error as Error)?.message ?? '')
}
