import { Elysia } from 'elysia'
import type { OpenAPIV3 } from 'openapi-types'
import { hashKey, type KeyRing } from '../../auth/key-ring'
import { KEY_NAME, MIN_KEY_LENGTH, readKeySettings, SETTING_FIELDS, type KeySettings } from '../../config/key-settings'
import type { Config } from '../../config/load'
import { badRequest, conflict, notFound } from '../../errors'
import { readBodyText } from '../../pipeline/request-body'
import type { UsageReports } from '../../limits/usage-report'
import type { KeyStore, StoredKey } from '../../state/types'
import { adminGuard, type Refuse } from '../admin-guard'

// Proxy keys made and changed by the owner, behind ADMIN_KEY (DESIGN §1.3): a key is shown once, when it is
// made; only its SHA-256 is kept. Keys of the config file are listed too, read-only. Every change acts on
// the next request (the key ring is reloaded before the answer).

export interface AdminKeysDeps {
  config: Pick<Config, 'adminKey' | 'metricsKey' | 'maxBodySize' | 'keys' | 'upstreams'>
  store: KeyStore
  ring: KeyRing
  reports: UsageReports
  now?: () => number
  /** Counts a wrong ADMIN_KEY against its address. */
  refuse?: Refuse
}

const refusals = {
  '400': { description: 'A bad field (named in `error.param`)' },
  '401': { description: 'Missing or wrong ADMIN_KEY (past 20 wrong keys a minute from one address: 429 too_many_failed_auth)' },
  '404': { description: 'Admin API off (no ADMIN_KEY), or no such key' },
  '409': { description: 'A key of that name or value exists, or the key is read-only (from the config file)' },
}
const secured = { security: [{ adminKey: [] }], tags: ['Admin'] }
const answers = (status: '200' | '201', description: string) => ({ responses: { [status]: { description }, ...refusals } })
const settingsSchema: OpenAPIV3.SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', description: 'letters, digits, - and _' },
    key: { type: 'string', description: `optional: at least ${MIN_KEY_LENGTH} characters; made when absent` },
    rate_limit: { type: 'integer', minimum: 0 },
    max_output_tokens: { type: 'integer', minimum: 0 },
    budget: { type: 'object', description: '{ usd: N, per } or { tokens: N, per }; per: day, week, month or total' },
    models: { type: 'array', items: { type: 'string' } },
    allow: { type: 'array', items: { type: 'string' } },
    cache: { type: 'string', description: 'private (default), shared, or a group name' },
    expires: { type: 'string', description: 'a UTC date or time, e.g. 2027-01-01' },
    ips: { type: 'array', items: { type: 'string' } },
  },
}
const jsonBody = (example: object) => ({ required: true, content: { 'application/json': { schema: settingsSchema, example } } })

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

export function adminKeysRoutes({ config, store, ring, reports, now = Date.now, refuse }: AdminKeysDeps) {
  const admin = adminGuard(config, refuse)
  const guard = async ({ request }: { request: Request }) => void (await admin(request))
  const fileKeys = new Map(config.keys.map((k) => [k.name, k]))

  const view = (key: { name: string; settings: KeySettings }, source: 'file' | 'admin', stored?: StoredKey) => ({
    name: key.name,
    source,
    read_only: source === 'file',
    ...key.settings,
    ...(stored ? { created_at: new Date(stored.createdAt).toISOString(), updated_at: new Date(stored.updatedAt).toISOString() } : {}),
  })

  const readJson = async (request: Request) => {
    let body: unknown
    try {
      body = JSON.parse(await readBodyText(request, config.maxBodySize))
    } catch {
      throw badRequest('The body must be a JSON object of key settings.', null, 'invalid_json')
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object of key settings.', null, 'invalid_json')
    return body as Record<string, unknown>
  }

  /** The settings of a body, or a 400 naming the first bad field and listing every problem. */
  const settingsOf = (body: Record<string, unknown>, allowed: readonly string[]) => {
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

  /** A key's view with its usage: the budget period, today, this month and all time. */
  const withUsage = async (key: { name: string; settings: KeySettings }, source: 'file' | 'admin', stored?: StoredKey) => ({
    ...view(key, source, stored),
    usage: await reports.summary(key.name, key.settings.budget),
  })

  const existing = async (name: string) => {
    if (fileKeys.has(name)) throw conflict(`Key "${name}" comes from the config file and is read-only here.`, 'read_only')
    const stored = await store.get(name)
    if (!stored) throw notFound(`No proxy key named "${name}".`, 'key_not_found', 'name')
    return stored
  }

  return new Elysia({ name: 'admin-keys-routes' }).guard({ beforeHandle: guard }, (app) =>
    app
      .post(
        '/admin/keys',
        async ({ request, set }) => {
          const body = await readJson(request)
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
          const secrets = [config.adminKey, config.metricsKey, ...config.upstreams.flatMap((u) => u.keys)]
          if (fileKeys.has(name)) throw conflict(`A key named "${name}" exists in the config file.`, 'key_exists')
          if (ring.find(key) || secrets.includes(key)) throw conflict('That key is already in use: choose another (or leave it out).', 'key_exists')
          const at = now()
          const stored: StoredKey = { name, hash: hashKey(key), settings: settings as Record<string, unknown>, createdAt: at, updatedAt: at }
          if (!(await store.create(stored))) throw conflict(`A key named "${name}" exists.`, 'key_exists')
          await ring.reload()
          set.status = 201
          // The only time the key is shown.
          return { ...view({ name, settings }, 'admin', stored), key }
        },
        {
          parse: 'none',
          detail: {
            ...secured,
            summary: 'Make a proxy key (shown once in the answer; only its hash is kept)',
            requestBody: jsonBody({ name: 'alice', rate_limit: 20, max_output_tokens: 500, models: ['gpt-4o-mini'], cache: 'private' }),
            ...answers('201', '`{ name, key, …settings }`: the key, this once'),
          },
        }
      )
      .get(
        '/admin/keys',
        async () => {
          const stored = await store.list()
          const data = await Promise.all([
            ...config.keys.map((k) => withUsage(k, 'file')),
            ...stored.filter((k) => !fileKeys.has(k.name)).map((k) => withUsage({ name: k.name, settings: k.settings as KeySettings }, 'admin', k)),
          ])
          return { object: 'list', data }
        },
        { detail: { ...secured, summary: 'List the named proxy keys with their usage (never key material)', ...answers('200', '`{ object: "list", data }`') } }
      )
      .get(
        '/admin/keys/:name',
        async ({ params }) => {
          const file = fileKeys.get(params.name)
          if (file) return withUsage(file, 'file')
          const stored = await store.get(params.name)
          if (!stored) throw notFound(`No proxy key named "${params.name}".`, 'key_not_found', 'name')
          return withUsage({ name: stored.name, settings: stored.settings as KeySettings }, 'admin', stored)
        },
        { detail: { ...secured, summary: 'Show one key: its settings (never its value) and usage', ...answers('200', 'The key with `usage`') } }
      )
      .patch(
        '/admin/keys/:name',
        async ({ params, request }) => {
          const stored = await existing(params.name)
          const body = await readJson(request)
          if ('name' in body || 'key' in body) throw badRequest("A key's name and value cannot change: make a new key and delete this one.", 'name' in body ? 'name' : 'key')
          // null takes a setting back to the proxy's default.
          const merged: Record<string, unknown> = { ...stored.settings, ...body }
          for (const [field, value] of Object.entries(body)) if (value === null) delete merged[field]
          const settings = settingsOf(merged, SETTING_FIELDS)
          const updated = await store.update(params.name, settings as Record<string, unknown>, now())
          if (!updated) throw notFound(`No proxy key named "${params.name}".`, 'key_not_found', 'name')
          await ring.reload()
          return view({ name: updated.name, settings }, 'admin', updated)
        },
        {
          parse: 'none',
          detail: {
            ...secured,
            summary: 'Change a key: limits, budget, models, allow, cache, expiry, ips (null: back to the default)',
            requestBody: jsonBody({ rate_limit: 10, expires: '2027-01-01' }),
            ...answers('200', 'The key as changed'),
          },
        }
      )
      .post(
        '/admin/keys/:name/reset',
        async ({ params }) => {
          if (!fileKeys.has(params.name) && !(await store.get(params.name))) throw notFound(`No proxy key named "${params.name}".`, 'key_not_found', 'name')
          await reports.reset(params.name)
          return { name: params.name, reset: true }
        },
        { detail: { ...secured, summary: "Reset a key's usage and spend (its budget starts again)", ...answers('200', '`{ name, reset: true }`') } }
      )
      .delete(
        '/admin/keys/:name',
        async ({ params }) => {
          await existing(params.name)
          await store.delete(params.name)
          await ring.reload()
          return { name: params.name, deleted: true }
        },
        { detail: { ...secured, summary: 'Revoke a key (the next request with it gets 401)', ...answers('200', '`{ name, deleted: true }`') } }
      )
  )
}
