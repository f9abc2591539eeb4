import { Elysia } from 'elysia'
import type { CacheAdmin } from '../../cache/admin'
import { readBodyText } from '../../pipeline/request-body'
import { adminGuard, type Refuse } from '../admin-guard'

// /admin/cache behind ADMIN_KEY, off when ADMIN_KEY is unset: the routes of the cache admin (cache/admin.ts),
// with what Swagger shows of them. Reading the JSONL body and streaming the export are HTTP's.

const refusals = {
  '401': { description: 'Missing or wrong ADMIN_KEY (past 20 wrong keys a minute from one address: 429 too_many_failed_auth)' },
  '404': { description: 'Admin API off (no ADMIN_KEY), or no such entry' },
  '409': { description: 'The cache is off (CACHE_ALLOWED=false)' },
}
const secured = { security: [{ adminKey: [] }], tags: ['Admin'] }
const answers = (description: string, extra: Record<string, { description: string }> = {}) => ({
  responses: { '200': { description }, ...extra, ...refusals },
})

export interface AdminCacheOptions {
  adminKey: string | undefined
  maxBodySize: number
  /** Counts a wrong ADMIN_KEY against its address. */
  refuse?: Refuse
}

export function adminCacheRoutes(service: CacheAdmin, { adminKey, maxBodySize, refuse }: AdminCacheOptions) {
  const admin = adminGuard({ adminKey }, refuse)
  const guard = async ({ request }: { request: Request }) => {
    await admin(request)
    // Off is answered before anything is read or parsed: the 409 of every route.
    service.cache()
    return undefined
  }

  return new Elysia({ name: 'admin-cache-routes' }).guard({ beforeHandle: guard }, (app) =>
    app
      .get(
        '/admin/cache/entries',
        ({ query }) => service.list(query),
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
        ({ params }) => service.show(params.id),
        { detail: { ...secured, summary: 'Show one entry, with its stored answer', ...answers('The entry') } }
      )
      .delete(
        '/admin/cache/entries/:id',
        ({ params }) => service.delete(params.id),
        { detail: { ...secured, summary: 'Delete one entry (from SQLite and the semantic index)', ...answers('`{ id, deleted: true }`') } }
      )
      .delete(
        '/admin/cache/entries',
        ({ query }) => service.purge(query),
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
          const lines = service.exportLines()
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              const next = await lines.next()
              if (next.done) return controller.close()
              controller.enqueue(encoder.encode(next.value))
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
        async ({ request }) => service.importLines(await readBodyText(request, maxBodySize)),
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
