import { Elysia } from 'elysia'
import { exportLine, importLine } from '../../cache/admin'
import type { AnswerCache } from '../../cache/answer-cache'
import type { Config } from '../../config/load'
import { badRequest, conflict, notFound } from '../../errors'
import { readBodyText } from '../../pipeline/request-body'
import { adminGuard, type Refuse } from '../admin-guard'

// Cache administration for the proxy's owner, behind ADMIN_KEY: find and remove a wrong answer without
// wiping everything, purge by model, and move a cache between machines as JSONL. Off when ADMIN_KEY is
// unset. Unlike the status page, these answers do contain prompt text: that is what an owner searches.

const refusals = {
  '401': { description: 'Missing or wrong ADMIN_KEY (past 20 wrong keys a minute from one address: 429 too_many_failed_auth)' },
  '404': { description: 'Admin API off (no ADMIN_KEY), or no such entry' },
  '409': { description: 'The cache is off (CACHE_ALLOWED=false)' },
}
const secured = { security: [{ adminKey: [] }], tags: ['Admin'] }
const answers = (description: string, extra: Record<string, { description: string }> = {}) => ({
  responses: { '200': { description }, ...extra, ...refusals },
})

const noEntry = (id: string) => notFound(`No cached entry with id ${id}.`, 'not_found', 'id')

function intParam(value: string | undefined, name: string, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`'${name}' must be a whole number from 0 to ${max}.`, name)
  return n
}

export function adminCacheRoutes(config: Pick<Config, 'adminKey' | 'maxBodySize'>, cache: AnswerCache | undefined, refuse?: Refuse) {
  const admin = adminGuard(config, refuse)
  const guard = async ({ request }: { request: Request }) => {
    await admin(request)
    if (!cache) throw conflict('The cache is off (CACHE_ALLOWED=false).', 'cache_disabled')
    return undefined
  }
  const entries = () => cache!.entries

  return new Elysia({ name: 'admin-cache-routes' }).guard({ beforeHandle: guard }, (app) =>
    app
      .get(
        '/admin/cache/entries',
        async ({ query }) => {
          const { total, data } = await entries().list({
            text: query.q || undefined,
            model: query.model || undefined,
            group: query.group || undefined,
            maxAgeSeconds: intParam(query.max_age, 'max_age', undefined),
            minAgeSeconds: intParam(query.min_age, 'min_age', undefined),
            limit: intParam(query.limit, 'limit', 50, 1000)!,
            offset: intParam(query.offset, 'offset', 0)!,
          })
          return { object: 'list', total, data }
        },
        {
          detail: {
            ...secured,
            summary: 'List or search cached entries',
            ...answers('A page of entries: `{ object, total, data }`', { '400': { description: 'A bad query parameter' } }),
            description: 'Newest first. `q` searches the question text, `model` filters by model, `group` by cache group (shared, private:<key name>, group:<word>), `max_age`/`min_age` by age in seconds; `limit` (≤ 1000) and `offset` page.',
            parameters: ['q', 'model', 'group', 'max_age', 'min_age', 'limit', 'offset'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          },
        }
      )
      .get(
        '/admin/cache/entries/:id',
        async ({ params }) => {
          await entries().flush()
          const entry = await entries().getById(Number(params.id))
          if (!entry) throw noEntry(params.id)
          const { embedding, ...rest } = entry
          return { ...rest, createdAt: new Date(entry.createdAt).toISOString(), lastHitAt: new Date(entry.lastHitAt).toISOString(), embedded: !!embedding }
        },
        { detail: { ...secured, summary: 'Show one entry, with its stored answer', ...answers('The entry') } }
      )
      .delete(
        '/admin/cache/entries/:id',
        async ({ params }) => {
          if (!(await entries().delete(Number(params.id)))) throw noEntry(params.id)
          return { id: Number(params.id), deleted: true }
        },
        { detail: { ...secured, summary: 'Delete one entry (from SQLite and the semantic index)', ...answers('`{ id, deleted: true }`') } }
      )
      .delete(
        '/admin/cache/entries',
        async ({ query }) => {
          if (!query.model && query.all !== 'true') throw badRequest("Give 'model' to purge one model's entries, or 'all=true' to purge everything.", 'all')
          return { deleted: await entries().purge(query.model || undefined) }
        },
        {
          detail: {
            ...secured,
            summary: 'Purge all entries (all=true) or those of one model (model=…)',
            ...answers('`{ deleted: n }`', { '400': { description: 'Neither model nor all=true given' } }),
          },
        }
      )
      .get(
        '/admin/cache/export',
        () => {
          const encoder = new TextEncoder()
          const all = entries().entries()[Symbol.asyncIterator]()
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              const next = await all.next()
              if (next.done) return controller.close()
              controller.enqueue(encoder.encode(exportLine(next.value)))
            },
          })
          return new Response(body, {
            headers: { 'content-type': 'application/x-ndjson', 'content-disposition': 'attachment; filename="proxy-gpt-cache.jsonl"' },
          })
        },
        { detail: { ...secured, summary: 'Export every entry as JSONL (answers and embeddings included)', ...answers('One JSON object per line') } }
      )
      .post(
        '/admin/cache/import',
        async ({ request }) => {
          const text = await readBodyText(request, config.maxBodySize)
          let imported = 0
          const skipped: Array<{ line: number; reason: string }> = []
          const lines = text.split('\n')
          for (let i = 0; i < lines.length; i++) {
            if (!lines[i]!.trim()) continue
            const parsed = importLine(lines[i]!)
            if ('skipped' in parsed) skipped.push({ line: i + 1, reason: parsed.skipped })
            else {
              await cache!.importEntry(parsed.entry)
              imported++
            }
          }
          return { imported, skipped }
        },
        {
          parse: 'none',
          detail: {
            ...secured,
            summary: 'Import entries from an export (JSONL body)',
            ...answers('`{ imported, skipped: [{ line, reason }] }`', { '413': { description: 'Body larger than MAX_BODY_SIZE' } }),
            description:
              'Entries are matched by their keys, which depend on CACHE_CONTEXT: import into a proxy with the same setting. Embeddings made by another EMBEDDING_MODEL are dropped (the entry then hits exactly only).',
            requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
          },
        }
      )
  )
}
