import { describe, expect, test } from 'bun:test'
import type { UpstreamConfig } from '../../../src/config/upstreams'
import { MemoryKeyHealth } from '../../../src/state/memory/key-health'
import { affinityScore } from '../../../src/upstream/affinity'
import type { Send } from '../../../src/upstream/client'
import { fingerprint } from '../../../src/upstream/fingerprint'
import { UpstreamPool } from '../../../src/upstream/pool'

// Affinity (DESIGN §1.9): requests sharing a prompt prefix go to the same healthy key of the upstream, by
// rendezvous hashing, so that a key cooling down or disabled moves only its own share of the prefixes, and
// gets it back once it is usable; requests without a prefix keep least-recently-used rotation.

const KEYS = ['sk-aff-key-1', 'sk-aff-key-2', 'sk-aff-key-3', 'sk-aff-key-4']
const MODEL = 'gpt-4o-mini'
const PREFIXES = Array.from({ length: 1000 }, (_, i) => `prefix-${i}`)

function setup(script: (key: string) => Response = () => new Response('{}')) {
  const clock = { t: 1_000_000 }
  const sent: string[] = []
  const send: Send = async (target) => {
    sent.push(target.key)
    return script(target.key)
  }
  const health = new MemoryKeyHealth()
  const config: UpstreamConfig = { name: 'u', baseUrl: 'http://u.test/v1', provider: 'openai', keys: KEYS, models: ['*'], modelMap: {}, priority: 0, weight: 1 }
  const pool = new UpstreamPool([config], { health, send, attempts: 3, log: () => {}, now: () => clock.t })
  const call = (affinity?: string) =>
    pool.call({ method: 'POST', path: '/chat/completions', headers: new Headers(), body: '{}', model: MODEL, retryable: true, signal: new AbortController().signal, affinity })
  /** The key each prefix's request is answered by. */
  const assign = async (prefixes = PREFIXES) => {
    const out = new Map<string, string>()
    for (const prefix of prefixes) {
      const answer = await call(prefix)
      out.set(prefix, KEYS.find((k) => fingerprint(k) === answer.fingerprint)!)
    }
    return out
  }
  return { pool, clock, sent, health, call, assign }
}

/** Of `before`, the prefixes that went to another key in `after`. */
const moved = (before: Map<string, string>, after: Map<string, string>) => [...before].filter(([prefix, key]) => after.get(prefix) !== key).map(([prefix]) => prefix)

describe('affinity over the keys of an upstream', () => {
  test('the same prefix goes to the same key, call after call (rotation would move it on)', async () => {
    const { sent, call } = setup()
    for (let i = 0; i < 8; i++) await call('one conversation')
    expect(new Set(sent).size).toBe(1)
    for (let i = 0; i < 8; i++) await call()
    expect(new Set(sent.slice(8)).size).toBe(KEYS.length)
  })

  test('prefixes spread evenly over the keys: 1000 prefixes, each of 4 keys within 20% of its 250', async () => {
    const { assign } = setup()
    const counts = new Map<string, number>()
    for (const key of (await assign()).values()) counts.set(key, (counts.get(key) ?? 0) + 1)
    expect([...counts.keys()].sort()).toEqual([...KEYS].sort())
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(200)
      expect(n).toBeLessThan(300)
    }
  })

  test('a key cooling down moves only its own prefixes, spread over the others; they come back when it is over', async () => {
    const { clock, health, assign } = setup()
    const before = await assign()
    const cooled = KEYS[1]!
    await health.coolDown(fingerprint(cooled), MODEL, clock.t + 30_000, clock.t)
    const during = await assign()
    const own = [...before].filter(([, key]) => key === cooled).map(([prefix]) => prefix)
    expect(moved(before, during).sort()).toEqual(own.sort())
    expect(new Set(own.map((prefix) => during.get(prefix))).size).toBe(KEYS.length - 1)
    clock.t += 30_000
    expect(moved(before, await assign())).toEqual([])
  })

  test('a disabled key likewise: only its prefixes move, and return when it is enabled again', async () => {
    const { clock, health, assign } = setup()
    const before = await assign()
    const disabled = KEYS[2]!
    await health.disable(fingerprint(disabled), 'invalid_api_key', clock.t, clock.t + 3_600_000)
    const during = await assign()
    const own = [...before].filter(([, key]) => key === disabled).map(([prefix]) => prefix)
    expect(own.length).toBeGreaterThan(0)
    expect(moved(before, during).sort()).toEqual(own.sort())
    await health.enable(fingerprint(disabled))
    expect(moved(before, await assign())).toEqual([])
  })

  test('failover is unchanged: after a 429 the next try takes the next key of the same ranking', async () => {
    const prefix = 'a conversation'
    const ranked = [...KEYS].sort((a, b) => (affinityScore(prefix, fingerprint(b)) > affinityScore(prefix, fingerprint(a)) ? 1 : -1))
    const { sent, call } = setup((key) => (key === ranked[0] ? new Response('{}', { status: 429, headers: { 'retry-after': '5' } }) : new Response('{}')))
    const answer = await call(prefix)
    expect(answer.response.status).toBe(200)
    expect(sent).toEqual([ranked[0]!, ranked[1]!])
    // While the first rests, the prefix stays on the second.
    await call(prefix)
    expect(sent.at(-1)).toBe(ranked[1]!)
  })
})
