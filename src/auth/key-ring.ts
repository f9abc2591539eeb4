import { cidrMatcher } from '../config/cidr'
import { globMatcher } from '../config/glob'
import type { BudgetSetting, KeyConfig, KeySettings } from '../config/key-settings'
import type { Config } from '../config/load'
import { MODEL_GROUPS, type ApiGroup } from '../openai/endpoints'
import type { KeyStore, StoredKey } from '../state/types'

// Every proxy key the proxy accepts, found by the SHA-256 of what a client presents: the keys of PROXY_KEY,
// the named keys of the config file and those made by the admin API (of which only the hash is kept). A
// lookup costs one hash and one Map probe whatever the number of keys, and what it could reveal through
// timing is about digests, never about the characters of a key.

export type KeySource = 'env' | 'file' | 'admin'

/** A key's settings, resolved once when the ring is (re)built, ready for every request. */
export interface RingEntry {
  source: KeySource
  /** Named keys only; PROXY_KEY keys are anonymous (round 1's kind of client). */
  name?: string
  /** PROXY_KEY keys: their position, for a per-key bucket when there are several. */
  index?: number
  /** Whose usage and budget: the name, or `proxy-key:<fingerprint>` for a PROXY_KEY key. */
  account: string
  /**
   * Named keys have their usage kept: their answers are read for the tokens they used. PROXY_KEY keys are
   * round 1's: forwarded as before, counted in /stats only.
   */
  metered: boolean
  settings: KeySettings
  /** Requests per minute that reach a model; 0 = no limit. */
  rateLimit: number
  /** Cap on output tokens; 0 = no cap. */
  maxOutputTokens: number
  /** Cache entries this key may hit and make: `shared`, `private:<name>` or `group:<word>`. */
  cacheGroup: string
  /** Client-facing models it may use; undefined: every model. */
  models?: (model: string) => boolean
  /** The API groups it may reach (`undefined`: a path outside OpenAI's API). */
  allow: (group: ApiGroup | undefined) => boolean
  budget?: BudgetSetting
  expiresAt?: number
  ips?: (address: string) => boolean
}

export const SHARED_CACHE_GROUP = 'shared'

export const hashKey = (key: string) => Bun.SHA256.hash(key, 'hex') as string

/** Every group of OpenAI's API, nothing outside it: what PROXY_KEY keys may reach. */
const EVERY_GROUP = (group: ApiGroup | undefined) => group !== undefined

export class KeyRing {
  private entries = new Map<string, RingEntry>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly config: Pick<Config, 'proxyKeys' | 'keys' | 'modelRateLimit' | 'maxOutputTokens'>,
    private readonly store: KeyStore
  ) {
    this.entries = this.build([])
    // Another replica's change, or this one's: picked up for the next request.
    // A failed reload (Redis away) keeps the keys known so far.
    this.unsubscribe = store.subscribe(() => void this.reload().catch(() => {}))
  }

  static async open(config: Pick<Config, 'proxyKeys' | 'keys' | 'modelRateLimit' | 'maxOutputTokens'>, store: KeyStore): Promise<KeyRing> {
    const ring = new KeyRing(config, store)
    // Without the store (Redis away at start) the keys of PROXY_KEY and the file work meanwhile.
    await ring.reload().catch(() => {})
    return ring
  }

  find(presented: string): RingEntry | undefined {
    return this.entries.get(hashKey(presented))
  }

  /**
   * A key the ring does not know yet may have been made a moment ago on another replica (the ring reloads
   * within a second): the store is asked before the key is refused, so a key works on every replica as
   * soon as the admin API answered. A store that cannot answer (Redis away) refuses, as the ring would.
   */
  async findInStore(presented: string): Promise<RingEntry | undefined> {
    const hash = hashKey(presented)
    const stored = await this.store.findByHash(hash).catch(() => undefined)
    if (!stored || this.fileNames().has(stored.name)) return undefined
    const entry = this.named('admin', stored.name, stored.settings as KeySettings)
    this.entries.set(hash, entry)
    return entry
  }

  /** The names of the config file's keys: the admin API may not make or change a key of one of these names. */
  fileNames(): Set<string> {
    return new Set(this.config.keys.map((k) => k.name))
  }

  /** Reads the admin-made keys again (the keys of PROXY_KEY and the file are there from the start). */
  async reload(): Promise<void> {
    this.entries = this.build(await this.store.list())
  }

  private build(stored: StoredKey[]): Map<string, RingEntry> {
    const entries = new Map<string, RingEntry>()
    this.config.proxyKeys.forEach((key, index) => {
      const hash = hashKey(key)
      entries.set(hash, {
        source: 'env',
        index,
        account: `proxy-key:${hash.slice(0, 8)}`,
        metered: false,
        settings: {},
        rateLimit: this.config.modelRateLimit,
        maxOutputTokens: this.config.maxOutputTokens,
        cacheGroup: SHARED_CACHE_GROUP,
        allow: EVERY_GROUP,
      })
    })
    for (const key of this.config.keys) entries.set(hashKey(key.key), this.named('file', key.name, key.settings))
    const fileNames = this.fileNames()
    for (const key of stored) if (!fileNames.has(key.name)) entries.set(key.hash, this.named('admin', key.name, key.settings as KeySettings))
    return entries
  }

  close() {
    this.unsubscribe()
  }

  private named(source: KeySource, name: string, settings: KeySettings): RingEntry {
    const allow = new Set<string>(settings.allow ?? MODEL_GROUPS)
    return {
      source,
      name,
      account: name,
      metered: true,
      settings,
      rateLimit: settings.rate_limit ?? this.config.modelRateLimit,
      maxOutputTokens: settings.max_output_tokens ?? this.config.maxOutputTokens,
      cacheGroup: cacheGroupOf(name, settings.cache),
      models: settings.models && !settings.models.includes('*') ? globMatcher(settings.models) : undefined,
      allow: allow.has('all') ? () => true : (group) => group !== undefined && allow.has(group),
      budget: settings.budget,
      expiresAt: settings.expires ? Date.parse(settings.expires) : undefined,
      ips: settings.ips ? cidrMatcher(settings.ips) : undefined,
    }
  }
}

/** `private` (the default): the key alone; `shared`: every shared key and PROXY_KEY; any other word: that group. */
export function cacheGroupOf(name: string, cache: string | undefined): string {
  if (cache === undefined || cache === 'private') return `private:${name}`
  if (cache === SHARED_CACHE_GROUP) return SHARED_CACHE_GROUP
  return `group:${cache}`
}

export type { KeyConfig, StoredKey }
