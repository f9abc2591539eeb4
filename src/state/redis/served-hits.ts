import { MemoryServedHits } from '../memory/served-hits'
import { MAX_SERVED_PER_ACCOUNT, SERVED_HIT_TTL_MS, type ServedHit, type ServedHitStore } from '../served-hits'
import type { RedisConnection } from './connection'

// The hits each key was served lately, shared by every replica, so a hit served by one can be refuted or
// judged on another: one sorted set per account, <prefix>served:<account>, scored by the record's `at`,
// each member `<entryId>:<nonce>:<JSON>` (the nonce keeps two equal records apart; the entry id in front
// lets `forget` find an entry's records without decoding them). The question embedding is the base64 of its
// float32 bytes, so a label made from it on another replica is the very vector. Each record is one script:
// add, drop what is over a day old and what is past the newest MAX_SERVED_PER_ACCOUNT, and give the set a
// day's lifetime again, so an account nobody serves any more is gone by itself.

/** KEYS: the set. ARGV: at, member, the newest score that is expired, MAX_SERVED_PER_ACCOUNT, ttl ms. */
const RECORD = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -1 - tonumber(ARGV[4]))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`

/** KEYS: the set. ARGV: "<entryId>:". */
const FORGET = `
local gone = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, #ARGV[1]) == ARGV[1] then gone = gone + redis.call('ZREM', KEYS[1], member) end
end
return gone
`

const toB64 = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
// Copied into a buffer of its own: a decoded Buffer may sit at an offset a Float32Array cannot start at.
const fromB64 = (text: string) => new Float32Array(new Uint8Array(Buffer.from(text, 'base64')).buffer)

function encode(hit: ServedHit): string {
  const { question, ...rest } = hit
  return `${hit.entryId}:${crypto.randomUUID()}:${JSON.stringify({ ...rest, ...(question ? { question: toB64(question) } : {}) })}`
}

function decode(member: string): ServedHit | undefined {
  const json = member.indexOf(':', member.indexOf(':') + 1)
  try {
    const { question, ...hit } = JSON.parse(member.slice(json + 1)) as Omit<ServedHit, 'question'> & { question?: string }
    if (typeof hit.entryId !== 'number' || typeof hit.at !== 'number' || typeof hit.partition !== 'string' || (hit.match !== 'exact' && hit.match !== 'semantic')) return undefined
    return typeof question === 'string' ? { ...hit, question: fromB64(question) } : hit
  } catch {
    return undefined
  }
}

export class RedisServedHits implements ServedHitStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    /** Decides which records are over a day old (their `at` is this replica's clock too). */
    private readonly now: () => number = Date.now
  ) {}

  async record(account: string, hit: ServedHit): Promise<void> {
    const expired = this.now() - SERVED_HIT_TTL_MS
    await this.redis.eval(RECORD, [this.key(account)], [hit.at, encode(hit), expired, MAX_SERVED_PER_ACCOUNT, SERVED_HIT_TTL_MS])
  }

  async recent(account: string, since: number): Promise<ServedHit[]> {
    const expired = this.now() - SERVED_HIT_TTL_MS
    const from = since > expired ? String(since) : `(${expired}`
    const members: string[] = (await this.redis.send('ZRANGE', [this.key(account), '+inf', from, 'BYSCORE', 'REV'])) ?? []
    return members.map(decode).filter((hit): hit is ServedHit => !!hit)
  }

  async forget(account: string, entryId: number): Promise<void> {
    await this.redis.eval(FORGET, [this.key(account)], [`${entryId}:`])
  }

  private key(account: string) {
    return `${this.prefix}served:${account}`
  }
}

/**
 * While Redis is away (or a call to it fails), records go to this replica's own memory and are read from it
 * beside Redis's, so a hit served during an outage can still be judged here, though not on the other
 * replicas: they are evidence for feedback, not money, and one lost only narrows what a key can judge. A
 * `forget` that cannot reach Redis is lost too: the hit may then be judged once more by the same evidence.
 * No call throws: a request never fails for this bookkeeping.
 */
export class FallbackServedHits implements ServedHitStore {
  private readonly own: MemoryServedHits

  constructor(
    private readonly redis: RedisConnection,
    private readonly shared: ServedHitStore,
    now: () => number = Date.now
  ) {
    this.own = new MemoryServedHits({ now, maxAccounts: 1_000, maxRecords: 5_000 })
  }

  async record(account: string, hit: ServedHit): Promise<void> {
    if (!(await this.attempt(() => this.shared.record(account, hit)))) await this.own.record(account, hit)
  }

  async recent(account: string, since: number): Promise<ServedHit[]> {
    const shared = (await this.attempt(() => this.shared.recent(account, since)))?.value ?? []
    const own = await this.own.recent(account, since)
    // Stable: of two records made at the same time, Redis's come first as they would alone.
    return own.length === 0 ? shared : [...shared, ...own].sort((a, b) => b.at - a.at)
  }

  async forget(account: string, entryId: number): Promise<void> {
    await this.own.forget(account, entryId)
    await this.attempt(() => this.shared.forget(account, entryId))
  }

  /** The shared call's answer, or undefined when Redis is away or the call fails. */
  private async attempt<T>(call: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.redis.available) return undefined
    try {
      return { value: await call() }
    } catch {
      return undefined
    }
  }
}
