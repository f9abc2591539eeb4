import { Elysia } from 'elysia'
import type { OpenAPIV3 } from 'openapi-types'
import type { KeyAdmin } from '../../auth/key-admin'
import { MIN_KEY_LENGTH } from '../../config/key-settings'
import { badRequest } from '../../errors'
import { readBodyText } from '../../pipeline/request-body'
import { adminGuard, type Refuse } from '../admin-guard'

// /admin/keys behind ADMIN_KEY (DESIGN §1.3): the routes of the key admin (auth/key-admin.ts), with what
// Swagger shows of them. Reading the JSON body and the 201 of a made key are HTTP's, the rest is the service's.

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

export interface AdminKeysOptions {
  adminKey: string | undefined
  maxBodySize: number
  /** Counts a wrong ADMIN_KEY against its address. */
  refuse?: Refuse
}

async function readJson(request: Request, maxBodySize: number): Promise<Record<string, unknown>> {
  let body: unknown
  try {
    body = JSON.parse(await readBodyText(request, maxBodySize))
  } catch {
    throw badRequest('The body must be a JSON object of key settings.', null, 'invalid_json')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object of key settings.', null, 'invalid_json')
  return body as Record<string, unknown>
}

export function adminKeysRoutes(keys: KeyAdmin, { adminKey, maxBodySize, refuse }: AdminKeysOptions) {
  const admin = adminGuard({ adminKey }, refuse)
  const guard = async ({ request }: { request: Request }) => void (await admin(request))
  const json = (request: Request) => readJson(request, maxBodySize)

  return new Elysia({ name: 'admin-keys-routes' }).guard({ beforeHandle: guard }, (app) =>
    app
      .post(
        '/admin/keys',
        async ({ request, set }) => {
          const made = await keys.create(await json(request))
          set.status = 201
          return made
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
        () => keys.list(),
        { detail: { ...secured, summary: 'List the named proxy keys with their usage (never key material)', ...answers('200', '`{ object: "list", data }`') } }
      )
      .get(
        '/admin/keys/:name',
        ({ params }) => keys.show(params.name),
        { detail: { ...secured, summary: 'Show one key: its settings (never its value) and usage', ...answers('200', 'The key with `usage`') } }
      )
      .get(
        '/admin/keys/:name/usage',
        ({ params, query }) => keys.history(params.name, query.days),
        {
          detail: {
            ...secured,
            summary: "A key's usage by day and model (the console's chart)",
            parameters: [{ name: 'days', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 366, default: 30 } }],
            ...answers('200', '`{ object: "list", name, from, to, data: [{ date, model, requests, hits, prompt_tokens, completion_tokens, cached_tokens, cost_usd, saved_usd, … }] }`'),
          },
        }
      )
      .patch(
        '/admin/keys/:name',
        ({ params, request }) => keys.update(params.name, () => json(request)),
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
        ({ params }) => keys.reset(params.name),
        { detail: { ...secured, summary: "Reset a key's usage and spend (its budget starts again)", ...answers('200', '`{ name, reset: true }`') } }
      )
      .delete(
        '/admin/keys/:name',
        ({ params }) => keys.revoke(params.name),
        { detail: { ...secured, summary: 'Revoke a key (the next request with it gets 401)', ...answers('200', '`{ name, deleted: true }`') } }
      )
  )
}
