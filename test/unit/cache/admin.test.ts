import { afterEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { CacheAdmin, exportLine, importLine } from '../../../src/cache/admin'
import { AnswerCache } from '../../../src/cache/answer-cache'
import { loadConfig } from '../../../src/config/load'
import { MemoryInFlight } from '../../../src/state/memory/in-flight'
import { SqliteCacheEntries } from '../../../src/state/sqlite/cache-entries'
import type { EntryLabel, NewEntry } from '../../../src/state/types'
import { rejectedApiError } from '../../helpers/api-error'
import { tempDirs } from '../../helpers/temp-dirs'

// The cache admin without HTTP, over a real cache in SQLite: query strings in, pages, entries, counts and
// export lines out, or ApiErrors.

const tempDir = tempDirs()
const opened: AnswerCache[] = []
afterEach(async () => {
  for (const cache of opened.splice(0)) await cache.close()
})

async function openCache(): Promise<AnswerCache> {
  const dir = tempDir()
  const config = loadConfig({ PROXY_KEY: 'proxy-key-Pw3Ns8Lq1Xt6', OPENAI_KEY: 'sk-upstream-Tb5Yc0Wj8Fu3', OPENAI_BASE_URL: 'https://api.example.com/v1', DATA_DIR: dir })
  const entries = SqliteCacheEntries.open(join(dir, 'cache.sqlite'), { ttlMs: 3_600_000, maxEntries: 100 })
  const cache = await AnswerCache.open({ config, log: () => {}, entries, inFlight: new MemoryInFlight() })
  opened.push(cache)
  return cache
}

/** Values an f16 would round: a copy that is not bit for bit shows. */
const QUESTION = Float32Array.from([0.1, 1 / 3, -0, 1e-7, Math.PI])

const entry = (key: string, model: string, prompt: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  key,
  partition: 'p',
  endpoint: 'chat',
  model,
  prompt,
  answer: { endpoint: 'chat', body: { choices: [{ index: 0, message: { role: 'assistant', content: `answer to ${prompt}` }, finish_reason: 'stop' }] } },
  group: 'shared',
  ...extra,
})

async function filled() {
  const cache = await openCache()
  const a = await cache.importEntry(entry('ka', 'gpt-4o-mini', 'capital of France', { embedding: Float32Array.from([0.5, -0.5, 0.25, 0.75]), embeddingModel: 'text-embedding-3-small' }))
  const b = await cache.importEntry(entry('kb', 'gpt-4o-mini', 'capital of Spain'))
  const c = await cache.importEntry(entry('kc', 'gpt-4o', 'boiling point of water'))
  return { cache, admin: new CacheAdmin(cache), ids: [a.id, b.id, c.id] as const }
}

describe('CacheAdmin', () => {
  test('with the cache off, every operation is 409 cache_disabled', async () => {
    const admin = new CacheAdmin(undefined)
    const operations = [() => admin.cache(), () => admin.list({}), () => admin.show('1'), () => admin.delete('1'), () => admin.purge({ all: 'true' }), () => admin.exportLines(), () => admin.importLines('')]
    for (const operation of operations) {
      const error = await rejectedApiError(operation)
      expect(error.status).toBe(409)
      expect(error.toBody().error.code).toBe('cache_disabled')
    }
  })

  test('list: newest first, by question text or model, paged; a bad number → 400 naming it', async () => {
    const { admin, ids } = await filled()
    const all = await admin.list({})
    expect(all.object).toBe('list')
    expect(all.total).toBe(3)
    expect(all.data.map((e) => e.id)).toEqual([ids[2], ids[1], ids[0]])
    expect((await admin.list({ q: 'capital' })).data.map((e) => e.id)).toEqual([ids[1], ids[0]])
    expect((await admin.list({ model: 'gpt-4o' })).data.map((e) => e.id)).toEqual([ids[2]])
    const page = await admin.list({ limit: '1', offset: '1' })
    expect(page).toMatchObject({ total: 3 })
    expect(page.data.map((e) => e.id)).toEqual([ids[1]])
    for (const [query, param] of [[{ limit: '1001' }, 'limit'], [{ offset: '-1' }, 'offset'], [{ max_age: 'soon' }, 'max_age'], [{ min_age: '1.5' }, 'min_age']] as const) {
      const error = await rejectedApiError(() => admin.list(query))
      expect(error.status).toBe(400)
      expect(error.toBody().error.param).toBe(param)
    }
  })

  test('show: the entry with its answer and dates, the embedding only as `embedded`; none → 404', async () => {
    const { admin, ids } = await filled()
    const shown = await admin.show(String(ids[0]))
    expect(shown).toMatchObject({ id: ids[0], model: 'gpt-4o-mini', prompt: 'capital of France', embedded: true, answer: { endpoint: 'chat' } })
    expect(shown).not.toHaveProperty('embedding')
    expect(new Date(shown.createdAt).toISOString()).toBe(shown.createdAt)
    expect((await admin.show(String(ids[1]))).embedded).toBe(false)
    expect((await admin.show(String(ids[1]))).labels).toEqual([])
    const error = await rejectedApiError(() => admin.show('999'))
    expect(error.status).toBe(404)
    expect(error.toBody().error.param).toBe('id')
  })

  test('delete one entry, purge one model or all; purge names neither → 400', async () => {
    const { admin, ids } = await filled()
    expect(await admin.delete(String(ids[0]))).toEqual({ id: ids[0], deleted: true })
    expect((await rejectedApiError(() => admin.delete(String(ids[0])))).status).toBe(404)
    const refused = await rejectedApiError(() => admin.purge({ all: 'yes' }))
    expect(refused.status).toBe(400)
    expect(refused.toBody().error.param).toBe('all')
    expect(await admin.purge({ model: 'gpt-4o' })).toEqual({ deleted: 1 })
    expect(await admin.purge({ all: 'true' })).toEqual({ deleted: 1 })
    expect((await admin.list({})).total).toBe(0)
  })

  test('export lines import into another cache; a line that cannot be is skipped by its number', async () => {
    const { admin } = await filled()
    const lines: string[] = []
    const iterator = admin.exportLines()
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) lines.push(next.value)
    expect(lines).toHaveLength(3)
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true)

    const other = new CacheAdmin(await openCache())
    const text = ['not json', '', ...lines.map((line) => line.trimEnd()), '{"version":2}'].join('\n')
    expect(await other.importLines(text)).toEqual({
      imported: 3,
      skipped: [
        { line: 1, reason: 'not JSON' },
        { line: 6, reason: 'unknown version' },
      ],
    })
    const copied = await other.list({})
    expect(copied.data.map((e) => e.prompt).sort()).toEqual(['boiling point of water', 'capital of France', 'capital of Spain'])
    const france = copied.data.find((e) => e.prompt === 'capital of France')!
    expect((await other.show(String(france.id))).embedded).toBe(true)
  })

  test('show: labels with their dates, a question only as has_question', async () => {
    const { cache, admin, ids } = await filled()
    await cache.entries.addLabel(ids[0], { verdict: 'wrong', similarity: 0.91, question: QUESTION, source: 'refresh', at: Date.UTC(2026, 0, 2) })
    await cache.entries.addLabel(ids[0], { verdict: 'right', similarity: null, source: 'owner', at: Date.UTC(2026, 0, 3) })
    const shown = await admin.show(String(ids[0]))
    expect(shown.labels).toEqual([
      { verdict: 'wrong', similarity: 0.91, source: 'refresh', at: '2026-01-02T00:00:00.000Z', has_question: true },
      { verdict: 'right', similarity: null, source: 'owner', at: '2026-01-03T00:00:00.000Z', has_question: false },
    ])
    expect(JSON.stringify(shown)).not.toContain('"question"')
  })

  test('labels travel in export lines, the question bit for bit; an import restores them', async () => {
    const { cache, admin, ids } = await filled()
    const labels: EntryLabel[] = [
      { verdict: 'wrong', similarity: 0.875, question: QUESTION, source: 'feedback', at: 1_000 },
      { verdict: 'right', similarity: null, source: 'owner', at: 2_000 },
    ]
    for (const label of labels) await cache.entries.addLabel(ids[0], label)
    const line = exportLine((await cache.entries.getById(ids[0]))!)
    expect(JSON.parse(line).labels).toEqual([
      { verdict: 'wrong', similarity: 0.875, question: Buffer.from(QUESTION.buffer).toString('base64'), source: 'feedback', at: 1_000 },
      { verdict: 'right', similarity: null, source: 'owner', at: 2_000 },
    ])
    expect(JSON.parse(exportLine((await cache.entries.getById(ids[1]))!)).labels).toEqual([])

    const other = await openCache()
    expect(await new CacheAdmin(other).importLines(line)).toEqual({ imported: 1, skipped: [] })
    const [copied] = await other.entries.labelled()
    expect(copied!.labels).toEqual(labels)
    expect([...new Uint32Array(copied!.labels[0]!.question!.buffer)]).toEqual([...new Uint32Array(QUESTION.buffer)])
    expect((await admin.show(String(ids[0]))).labels).toHaveLength(2)
  })

  test('import: a line without labels (before round 3) still imports, unjudged; bad labels skip the line', () => {
    const line = JSON.parse(exportLine({ ...entry('k', 'gpt-4o-mini', 'q'), id: 1, createdAt: 0, lastHitAt: 0, hits: 0 }))
    delete line.labels
    const old = importLine(JSON.stringify(line))
    expect('entry' in old && old.entry.key).toBe('k')
    expect('entry' in old && old.entry.labels).toBeUndefined()
    const good = { verdict: 'wrong', similarity: 0.9, source: 'refresh', at: 5 }
    const bad = [{ ...good, verdict: 'maybe' }, { ...good, source: 'someone' }, { ...good, at: 'now' }, { ...good, similarity: '0.9' }, { ...good, question: 'AAA=' }, 'wrong']
    for (const label of bad) expect(importLine(JSON.stringify({ ...line, labels: [good, label] }))).toEqual({ skipped: 'bad labels' })
    expect(importLine(JSON.stringify({ ...line, labels: 'wrong' }))).toEqual({ skipped: 'bad labels' })
    const judged = importLine(JSON.stringify({ ...line, labels: [good] }))
    expect('entry' in judged && judged.entry.labels).toEqual([good as EntryLabel])
  })
})
