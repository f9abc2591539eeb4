import { encodeKept } from '../memory/responses'
import type { IdOrigin, KeptResponse, KeptResponseStore, ResponseOriginStore } from '../types'
import type { RedisConnection } from './connection'

// The Responses ids shared by every replica, so a follow-up that reaches another replica finds the key that
// made its id, and a response one replica translated can be continued through any other:
//   <prefix>resp:origin:<id>  JSON {upstream, fingerprint}
//   <prefix>resp:kept:<id>    JSON {id, owner, response, input, createdAt}
// Each a plain string written with SET … PX, so it expires by itself and a write replaces value and expiry
// in one command. Ids come from clients: they are only ever a key name or an argument, never part of a
// script or a pattern.

const ttl = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs))

function parsed<T>(text: unknown): T | undefined {
  if (typeof text !== 'string' || !text) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined
  }
}

export class RedisResponseOrigins implements ResponseOriginStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async remember(id: string, origin: IdOrigin, ttlMs: number): Promise<void> {
    await this.redis.send('SET', [this.key(id), JSON.stringify({ upstream: origin.upstream, fingerprint: origin.fingerprint }), 'PX', ttl(ttlMs)])
  }

  async originOf(id: string): Promise<IdOrigin | undefined> {
    const origin = parsed<IdOrigin>(await this.redis.send('GET', [this.key(id)]))
    return typeof origin?.upstream === 'string' && typeof origin.fingerprint === 'string' ? { upstream: origin.upstream, fingerprint: origin.fingerprint } : undefined
  }

  async forget(id: string): Promise<void> {
    await this.redis.send('DEL', [this.key(id)])
  }

  async close(): Promise<void> {}

  private key(id: string) {
    return `${this.prefix}resp:origin:${id}`
  }
}

export class RedisKeptResponses implements KeptResponseStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string
  ) {}

  async put(kept: KeptResponse, ttlMs: number): Promise<void> {
    await this.redis.send('SET', [this.key(kept.id), encodeKept(kept), 'PX', ttl(ttlMs)])
  }

  async get(id: string): Promise<KeptResponse | undefined> {
    return parsed<KeptResponse>(await this.redis.send('GET', [this.key(id)]))
  }

  async delete(id: string): Promise<boolean> {
    return Number(await this.redis.send('DEL', [this.key(id)])) > 0
  }

  async close(): Promise<void> {}

  private key(id: string) {
    return `${this.prefix}resp:kept:${id}`
  }
}
