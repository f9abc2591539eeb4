import { Elysia } from 'elysia'
import type { AnswerCache } from '../cache/answer-cache'
import type { CachedEndpoint } from '../cache/keys'
import { packVector, unpackVector, type NewEntry } from '../cache/store'
import type { Config } from '../config'
import { ApiError, badRequest } from '../errors'
import { keyMatcher, presentedKey } from '../plugins/key-check'
import { readBodyText } from '../upstream/body'

// Cache administration for the proxy's owner, behind ADMIN_KEY: find and remove a wrong answer without
// wiping everything, purge by model, and move a cache between machines as JSONL. Off when ADMIN_KEY is
// unset. Unlike the status page, these answers do contain prompt text: that is what an owner searches.

const ENDPOINTS = new Set<CachedEndpoint>(['chat', 'completions', 'embeddings'])

interface ExportLine {
  version: 1
  key: string
  partition: string
  endpoint: CachedEndpoint
  model: string
  prompt: string | null
  answer: NewEntry['answer']
  /** base64 of little-endian f16, as stored. */
  embedding: string | null
  embeddingModel: string | null
  createdAt: string
}

const refusals = {
  '401': { description: 'Missing or wrong ADMIN_KEY' },
  '404': { description: 'Admin API off (no ADMIN_KEY), or no such entry' },
  '409': { description: 'The cache is off (CACHE_ALLOWED=false)' },
}
const secured = { security: [{ adminKey: [] }], tags: ['Admin'] }
const answers = (description: string, extra: Record<string, { description: string }> = {}) => ({
  responses: { '200': { description }, ...extra, ...refusals },
})

const notFound = (id: string) => new ApiError(404, `No cached entry with id ${id}.`, 'invalid_request_error', 'not_found', 'id')

function intParam(value: string | undefined, name: string, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > max) throw badRequest(`'${name}' must be a whole number from 0 to ${max}.`, name)
  return n
}

export function adminRoutes(config: Pick<Config, 'adminKey' | 'maxBodySize'>, cache: AnswerCache | undefined) {
  const isAdmin = config.adminKey ? keyMatcher([config.adminKey]) : undefined

  const guard = ({ request }: { request: Request }) => {
    if (!isAdmin) throw new ApiError(404, 'The admin API is off: set ADMIN_KEY to enable it.', 'invalid_request_error', 'admin_disabled')
    if (isAdmin(presentedKey(request.headers)) === -1) {
      throw new ApiError(401, 'The admin API needs "Authorization: Bearer <ADMIN_KEY>".', 'invalid_request_error', 'invalid_api_key')
    }
    if (!cache) throw new ApiError(409, 'The cache is off (CACHE_ALLOWED=false).', 'invalid_request_error', 'cache_disabled')
    return undefined
  }
  const the = () => cache!

  return new Elysia({ name: 'admin-routes' }).guard({ beforeHandle: guard }, (app) =>
    app
      .get(
        '/admin/cache/entries',
        ({ query }) => {
          const { total, data } = the().store.list({
            text: query.q || undefined,
            model: query.model || undefined,
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
            description: 'Newest first. `q` searches the question text, `model` filters by model, `max_age`/`min_age` by age in seconds; `limit` (≤ 1000) and `offset` page.',
            parameters: ['q', 'model', 'max_age', 'min_age', 'limit', 'offset'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          },
        }
      )
      .get(
        '/admin/cache/entries/:id',
        ({ params }) => {
          const entry = the().store.getById(Number(params.id))
          if (!entry) throw notFound(params.id)
          const { embedding, ...rest } = entry
          return { ...rest, createdAt: new Date(entry.createdAt).toISOString(), lastHitAt: new Date(entry.lastHitAt).toISOString(), embedded: !!embedding }
        },
        { detail: { ...secured, summary: 'Show one entry, with its stored answer', ...answers('The entry') } }
      )
      .delete(
        '/admin/cache/entries/:id',
        ({ params }) => {
          if (!the().store.delete(Number(params.id))) throw notFound(params.id)
          return { id: Number(params.id), deleted: true }
        },
        { detail: { ...secured, summary: 'Delete one entry (from SQLite and the semantic index)', ...answers('`{ id, deleted: true }`') } }
      )
      .delete(
        '/admin/cache/entries',
        ({ query }) => {
          if (!query.model && query.all !== 'true') throw badRequest("Give 'model' to purge one model's entries, or 'all=true' to purge everything.", 'all')
          return { deleted: the().store.purge(query.model || undefined) }
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
          const entries = the().store.entries()
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              const next = entries.next()
              if (next.done) return controller.close()
              const e = next.value
              const line: ExportLine = {
                version: 1,
                key: e.key,
                partition: e.partition,
                endpoint: e.endpoint,
                model: e.model,
                prompt: e.prompt ?? null,
                answer: e.answer,
                embedding: e.embedding ? Buffer.from(packVector(e.embedding)).toString('base64') : null,
                embeddingModel: e.embeddingModel ?? null,
                createdAt: new Date(e.createdAt).toISOString(),
              }
              controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`))
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
          text.split('\n').forEach((raw, i) => {
            if (!raw.trim()) return
            const reason = importLine(the(), raw)
            if (reason) skipped.push({ line: i + 1, reason })
            else imported++
          })
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

/** Stores one export line; returns why it was skipped, if it was. */
function importLine(cache: AnswerCache, raw: string): string | undefined {
  let line: ExportLine
  try {
    line = JSON.parse(raw)
  } catch {
    return 'not JSON'
  }
  if (line?.version !== 1) return 'unknown version'
  if (typeof line.key !== 'string' || typeof line.partition !== 'string' || typeof line.model !== 'string') return 'missing key, partition or model'
  if (!ENDPOINTS.has(line.endpoint) || line.answer?.endpoint !== line.endpoint || typeof line.answer.body !== 'object') return 'bad endpoint or answer'
  let embedding: Float32Array | undefined
  if (line.embedding) {
    const bytes = Buffer.from(line.embedding, 'base64')
    if (bytes.byteLength === 0 || bytes.byteLength % 2 !== 0) return 'bad embedding'
    embedding = unpackVector(bytes)
  }
  cache.importEntry({
    key: line.key,
    partition: line.partition,
    endpoint: line.endpoint,
    model: line.model,
    prompt: typeof line.prompt === 'string' ? line.prompt : undefined,
    answer: line.answer,
    embedding,
    embeddingModel: line.embeddingModel ?? undefined,
  })
  return undefined
}
