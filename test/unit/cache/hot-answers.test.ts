import { describe, expect, test } from 'bun:test'
import { HotAnswers, type HotAnswerLimits } from '../../../src/cache/hot-answers'
import { templateOf } from '../../../src/dialects'
import type { ReplayForm } from '../../../src/dialects/types'
import type { CacheEntry, CacheEntryStore, EntryChange } from '../../../src/state/types'
import { chatAnswer } from '../../helpers/sse-fixtures'

/** Only what HotAnswers uses of a store: its change feed. */
function feed() {
  const listeners = new Set<(change: EntryChange) => void>()
  const store = { subscribe: (listener: (change: EntryChange) => void) => (listeners.add(listener), () => listeners.delete(listener)) }
  return { store: store as unknown as CacheEntryStore, removed: (...ids: number[]) => listeners.forEach((l) => l({ kind: 'removed', ids })), listeners }
}

const entry = (id: number, createdAt: number, content = `answer ${id}`): CacheEntry => ({
  id,
  key: `key-${id}`,
  partition: '',
  endpoint: 'chat',
  model: 'gpt-4o-mini',
  answer: chatAnswer({ content }),
  group: 'shared',
  createdAt,
  lastHitAt: createdAt,
  hits: 1,
})

const JSON_FORM: ReplayForm = { stream: false, includeUsage: false }

/** Remembers `entry` rendered in `form`, as the pipeline does after an exact hit read from the store. */
const remember = (hot: HotAnswers, request: string, e: CacheEntry, form: ReplayForm, model?: string) => hot.remember(request, e, templateOf(e.answer, form), model)

function setup(limits: Partial<HotAnswerLimits> = {}) {
  let now = 1_000_000
  const { store, removed, listeners } = feed()
  const hot = new HotAnswers(store, { maxEntries: 100, maxBytes: 1 << 20, trustMs: 5_000, ttlMs: 60_000, now: () => now, ...limits })
  return { hot, removed, listeners, tick: (ms: number) => (now += ms), now: () => now }
}

describe('HotAnswers', () => {
  test('a remembered request is found by its exact text only, with its answer ready to render', () => {
    const { hot, now } = setup()
    remember(hot, 'request A', entry(1, now()), JSON_FORM, 'gpt-4o-mini')
    const found = hot.get('request A')!
    expect(found.entry.id).toBe(1)
    expect(found.model).toBe('gpt-4o-mini')
    expect(JSON.parse(found.template.render()).choices[0].message.content).toBe('answer 1')
    expect(hot.get('request A ')).toBeUndefined()
    expect(hot.get('request a')).toBeUndefined()
  })

  test('an entry removed from the store (here or on another replica) is forgotten at once, for every request it answered', () => {
    const { hot, removed, now } = setup()
    remember(hot, 'A', entry(1, now()), JSON_FORM)
    remember(hot, 'A, streamed', entry(1, now()), { stream: true, includeUsage: true })
    remember(hot, 'B', entry(2, now()), JSON_FORM)
    removed(1, 99)
    expect(hot.get('A')).toBeUndefined()
    expect(hot.get('A, streamed')).toBeUndefined()
    expect(hot.get('B')!.entry.id).toBe(2)
    expect(hot.size).toBe(1)
  })

  test('never past the entry TTL', () => {
    const { hot, tick, now } = setup({ ttlMs: 10_000, trustMs: 60_000 })
    remember(hot, 'A', entry(1, now() - 9_000), JSON_FORM)
    expect(hot.get('A')).toBeDefined()
    tick(1_000)
    expect(hot.get('A')).toBeUndefined()
    expect(hot.size).toBe(0)
  })

  test('trusted for trustMs after it was read from the store, then the request goes the normal way again', () => {
    const { hot, tick, now } = setup({ trustMs: 5_000 })
    remember(hot, 'A', entry(1, now()), JSON_FORM)
    tick(4_999)
    expect(hot.get('A')).toBeDefined()
    tick(1)
    expect(hot.get('A')).toBeUndefined()
    remember(hot, 'A', entry(1, now()), JSON_FORM)
    expect(hot.get('A')).toBeDefined()
  })

  test('bounded in count: the least recently served goes first', () => {
    const { hot, now } = setup({ maxEntries: 2 })
    remember(hot, 'A', entry(1, now()), JSON_FORM)
    remember(hot, 'B', entry(2, now()), JSON_FORM)
    hot.get('A')
    remember(hot, 'C', entry(3, now()), JSON_FORM)
    expect(hot.get('B')).toBeUndefined()
    expect(hot.get('A')).toBeDefined()
    expect(hot.get('C')).toBeDefined()
    expect(hot.size).toBe(2)
  })

  test('bounded in bytes; a request too large for its share is not kept at all', () => {
    const { hot, now } = setup({ maxBytes: 64 * 1024 })
    remember(hot, 'x'.repeat(3_000), entry(1, now()), JSON_FORM) // ~6 KB of request: over a sixteenth
    expect(hot.size).toBe(0)
    for (let i = 0; i < 40; i++) remember(hot, `request ${i}`, entry(i, now(), 'y'.repeat(500)), JSON_FORM)
    expect(hot.size).toBeGreaterThan(5)
    expect(hot.size).toBeLessThan(40)
    expect(hot.get('request 39')).toBeDefined()
    expect(hot.get('request 0')).toBeUndefined()
  })

  test('remembering a request again replaces what was kept for it; removing the old entry then leaves the new one', () => {
    const { hot, removed, now } = setup()
    remember(hot, 'A', entry(1, now()), JSON_FORM)
    remember(hot, 'A', entry(2, now()), JSON_FORM)
    removed(1)
    expect(hot.get('A')!.entry.id).toBe(2)
  })

  test('off with maxEntries 0; close stops following the store', () => {
    const off = setup({ maxEntries: 0 })
    remember(off.hot, 'A', entry(1, off.now()), JSON_FORM)
    expect(off.hot.get('A')).toBeUndefined()
    const { hot, listeners } = setup()
    expect(listeners.size).toBe(1)
    hot.close()
    expect(listeners.size).toBe(0)
  })
})
