import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis-server'
import { startProxy, type TestProxy } from '../helpers/start-proxy'

// Where the proxy keeps the Responses ids (DESIGN §1.8): without REDIS_URL in DATA_DIR/responses.sqlite, so
// a restart keeps them; with it in Redis, so every replica sees what one learnt, and each entry expires by
// itself after RESPONSES_TTL.

const opened: TestProxy[] = []
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const proxy of opened.splice(0)) await proxy.stop()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function proxy(env: Record<string, string> = {}) {
  const started = await startProxy({ CACHE_ALLOWED: 'false', ...env })
  opened.push(started)
  return started
}

const origin = { upstream: 'default', fingerprint: 'fp-1' }
const kept = { id: 'resp_1', owner: 'alice', response: { id: 'resp_1', object: 'response' }, input: [{ role: 'user', content: 'hi' }], createdAt: 1 }

describe('Responses ids without REDIS_URL', () => {
  test('kept in DATA_DIR/responses.sqlite: a restart on the same DATA_DIR keeps them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'proxy-gpt-responses-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const first = await proxy({ DATA_DIR: dataDir })
    await first.stores.responseOrigins.remember('resp_1', origin, first.config.responsesTtlMs)
    await first.stores.keptResponses.put(kept, first.config.responsesTtlMs)
    await first.stop()
    opened.splice(opened.indexOf(first), 1)
    expect(existsSync(join(dataDir, 'responses.sqlite'))).toBe(true)

    const second = await proxy({ DATA_DIR: dataDir })
    expect(await second.stores.responseOrigins.originOf('resp_1')).toEqual(origin)
    expect(await second.stores.keptResponses.get('resp_1')).toEqual(kept)
  })
})

describe.skipIf(!!redisSkipReason)('Responses ids with REDIS_URL', () => {
  test('what one replica learns the other finds; each key expires after RESPONSES_TTL', async () => {
    const redis: TestRedis = await startRedis()
    cleanups.push(() => redis.stop())
    const a = await proxy({ REDIS_URL: redis.url, RESPONSES_TTL: '2h' })
    const b = await proxy({ REDIS_URL: redis.url, RESPONSES_TTL: '2h' })
    expect(a.config.responsesTtlMs).toBe(7_200_000)
    await a.stores.responseOrigins.remember('resp_1', origin, a.config.responsesTtlMs)
    await a.stores.keptResponses.put(kept, a.config.responsesTtlMs)
    expect(await b.stores.responseOrigins.originOf('resp_1')).toEqual(origin)
    expect(await b.stores.keptResponses.get('resp_1')).toEqual(kept)
    for (const key of ['pgpt:resp:origin:resp_1', 'pgpt:resp:kept:resp_1']) {
      const left = Number(redis.cli(['PTTL', key]))
      expect(left).toBeGreaterThan(7_100_000)
      expect(left).toBeLessThanOrEqual(7_200_000)
    }
    expect(await b.stores.keptResponses.delete('resp_1')).toBe(true)
    expect(await a.stores.keptResponses.get('resp_1')).toBeUndefined()
  })
})
