import { KEY_NAME, MIN_KEY_LENGTH, readKeySettings, SETTING_FIELDS, type BudgetSetting, type KeyConfig, type KeySettings } from '../config/key-settings'
import { badRequest, conflict, notFound } from '../errors'
import type { KeyStore, StoredKey } from '../state/types'
import { hashKey, type KeyRing } from './key-ring'

// Proxy keys made and changed by the owner (DESIGN §1.3 Admin): a key is shown once, when it is made; only
// its SHA-256 is kept. Keys of the config file are listed too, read-only. Every change acts on the next
// request (the key ring is reloaded before the answer). The HTTP side (ADMIN_KEY, JSON bodies) is http/'s.

/**
 * A key's usage and spend: limits/ UsageReports. Named by its shape here because limits/ imports auth/
 * (the gatekeeper reads ClientKey), so auth/ may not import limits/ back.
 */
export interface KeyUsage {
  summary(account: string, budget: BudgetSetting | undefined): Promise<object>
  /** The last `days` UTC days by day and model. */
  byDayAndModel(account: string, days: number): Promise<{ from: string; to: string; data: object[] }>
  reset(account: string): Promise<void>
}

export interface KeyAdminDeps {
  store: KeyStore
  ring: KeyRing
  usage: KeyUsage
  /** The config file's keys: listed and shown, never changed here. */
  fileKeys: readonly KeyConfig[]
  /** ADMIN_KEY, METRICS_KEY and the upstream keys: a key given to POST may not be one of them. */
  secrets: readonly string[]
  now?: () => number
}

type Source = 'file' | 'admin'
type Named = { name: string; settings: KeySettings }
type Body = Record<string, unknown>

/** 43 letters and digits after `pgpt-`: 256 bits, shown once. */
export function newProxyKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  let key = 'pgpt-'
  while (key.length < 48) {
    for (const byte of crypto.getRandomValues(new Uint8Array(64))) {
      // 248 = 4 × 62: dropping the rest keeps every character equally likely.
      if (byte < 248 && key.length < 48) key += alphabet[byte % 62]
    }
  }
  return key
}

const noKey = (name: string) => notFound(`No proxy key named "${name}".`, 'key_not_found', 'name')

const view = (key: Named, source: Source, stored?: StoredKey) => ({
  name: key.name,
  source,
  read_only: source === 'file',
  ...key.settings,
  ...(stored ? { created_at: new Date(stored.createdAt).toISOString(), updated_at: new Date(stored.updatedAt).toISOString() } : {}),
})

/** The settings of a body, or a 400 naming the first bad field and listing every problem. */
function settingsOf(body: Body, allowed: readonly string[]): KeySettings {
  const unknown = Object.keys(body).find((field) => !allowed.includes(field))
  if (unknown) throw badRequest(`Unknown field '${unknown.slice(0, 40)}'. Allowed: ${allowed.join(', ')}.`, unknown.slice(0, 40), 'unknown_parameter')
  const problems: string[] = []
  const settings = readKeySettings(body, 'key', problems)
  if (!settings) {
    // Each problem reads "key: <field>…": the first one names the field for `param`.
    const field = SETTING_FIELDS.find((f) => problems[0]!.startsWith(`key: ${f}`)) ?? null
    throw badRequest(problems.map((p) => p.replace(/^key: /, '')).join('; '), field)
  }
  return settings
}

export class KeyAdmin {
  private readonly store: KeyStore
  private readonly ring: KeyRing
  private readonly usage: KeyUsage
  private readonly fileList: readonly KeyConfig[]
  private readonly fileKeys: Map<string, KeyConfig>
  private readonly secrets: readonly string[]
  private readonly now: () => number

  constructor({ store, ring, usage, fileKeys, secrets, now = Date.now }: KeyAdminDeps) {
    this.store = store
    this.ring = ring
    this.usage = usage
    this.fileList = fileKeys
    this.fileKeys = new Map(fileKeys.map((k) => [k.name, k]))
    this.secrets = secrets
    this.now = now
  }

  /** A new key from `{ name, key?, …settings }`: its view with `key`, the only time the key is shown. */
  async create(body: Body) {
    const name = body.name
    if (name === undefined || name === null || name === '') throw badRequest("'name' is required: letters, digits, - and _ (at most 64).", 'name')
    if (typeof name !== 'string' || !KEY_NAME.test(name)) {
      throw badRequest("'name' may hold only letters a-z and A-Z, digits, - and _ (at most 64), so it can appear in logs and URLs as it is.", 'name')
    }
    const settings = settingsOf(body, ['name', 'key', ...SETTING_FIELDS])
    const given = body.key
    if (given !== undefined && (typeof given !== 'string' || given.trim().length < MIN_KEY_LENGTH)) {
      throw badRequest(`'key' must be a string of at least ${MIN_KEY_LENGTH} characters (or left out: one is made).`, 'key')
    }
    const key = typeof given === 'string' ? given.trim() : newProxyKey()
    if (this.fileKeys.has(name)) throw conflict(`A key named "${name}" exists in the config file.`, 'key_exists')
    if (this.ring.find(key) || this.secrets.includes(key)) throw conflict('That key is already in use: choose another (or leave it out).', 'key_exists')
    const at = this.now()
    const stored: StoredKey = { name, hash: hashKey(key), settings: settings as Record<string, unknown>, createdAt: at, updatedAt: at }
    if (!(await this.store.create(stored))) throw conflict(`A key named "${name}" exists.`, 'key_exists')
    await this.ring.reload()
    return { ...view({ name, settings }, 'admin', stored), key }
  }

  /** Every named key, the file's first, with its usage (never key material). */
  async list() {
    const stored = await this.store.list()
    const data = await Promise.all([
      ...this.fileList.map((k) => this.withUsage(k, 'file')),
      ...stored.filter((k) => !this.fileKeys.has(k.name)).map((k) => this.withUsage({ name: k.name, settings: k.settings as KeySettings }, 'admin', k)),
    ])
    return { object: 'list' as const, data }
  }

  async show(name: string) {
    const file = this.fileKeys.get(name)
    if (file) return this.withUsage(file, 'file')
    const stored = await this.store.get(name)
    if (!stored) throw noKey(name)
    return this.withUsage({ name: stored.name, settings: stored.settings as KeySettings }, 'admin', stored)
  }

  /**
   * Changes the settings `read` gives (null takes one back to the proxy's default). `read` is called only
   * once the key is known to be changeable: a missing or read-only key is refused before its body is read.
   */
  async update(name: string, read: () => Promise<Body>) {
    const stored = await this.changeable(name)
    const body = await read()
    if ('name' in body || 'key' in body) throw badRequest("A key's name and value cannot change: make a new key and delete this one.", 'name' in body ? 'name' : 'key')
    const merged: Body = { ...stored.settings, ...body }
    for (const [field, value] of Object.entries(body)) if (value === null) delete merged[field]
    const settings = settingsOf(merged, SETTING_FIELDS)
    const updated = await this.store.update(name, settings as Record<string, unknown>, this.now())
    if (!updated) throw noKey(name)
    await this.ring.reload()
    return view({ name: updated.name, settings }, 'admin', updated)
  }

  /** A key's usage over the last `days` days (1 to 366, today included), one row per day and model. */
  async history(name: string, days: unknown) {
    if (!this.fileKeys.has(name) && !(await this.store.get(name))) throw noKey(name)
    const n = days === undefined ? 30 : Number(days)
    if (!Number.isInteger(n) || n < 1 || n > 366) throw badRequest("'days' must be a whole number from 1 to 366.", 'days')
    return { object: 'list' as const, name, ...(await this.usage.byDayAndModel(name, n)) }
  }

  /** Usage and spend start again (a file key's too): its budget is whole for the rest of the period. */
  async reset(name: string) {
    if (!this.fileKeys.has(name) && !(await this.store.get(name))) throw noKey(name)
    await this.usage.reset(name)
    return { name, reset: true as const }
  }

  /** The next request with the key gets 401. */
  async revoke(name: string) {
    await this.changeable(name)
    await this.store.delete(name)
    await this.ring.reload()
    return { name, deleted: true as const }
  }

  /** A key's view with its usage: the budget period, today, this month and all time. */
  private async withUsage(key: Named, source: Source, stored?: StoredKey) {
    return { ...view(key, source, stored), usage: await this.usage.summary(key.name, key.settings.budget) }
  }

  private async changeable(name: string): Promise<StoredKey> {
    if (this.fileKeys.has(name)) throw conflict(`Key "${name}" comes from the config file and is read-only here.`, 'read_only')
    const stored = await this.store.get(name)
    if (!stored) throw noKey(name)
    return stored
  }
}
