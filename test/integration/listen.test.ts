// A port is one proxy's. Bun listens with SO_REUSEPORT unless told not to, and then a second proxy started on
// the same port (another config, a forgotten test run) would come up without a word and take half the requests.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { spawnProxy, type SpawnedProxy } from '../helpers/spawn-proxy'
import { PROXY_KEY } from '../helpers/start-proxy'

let upstream: FakeUpstream
let first: SpawnedProxy
beforeAll(async () => {
  upstream = await startFakeUpstream()
  first = await spawnProxy({ upstreamUrl: upstream.url })
})
afterAll(async () => {
  await first.kill()
  await upstream.stop()
})

describe('a port already in use', () => {
  test('a second proxy on it refuses to start: exit code 1 and the reason; the first keeps serving', async () => {
    const port = new URL(first.url).port
    const second = await spawnProxy({ upstreamUrl: upstream.url, env: { PORT: port } }).then(
      async (spawned) => {
        await spawned.kill()
        throw new Error(`a second proxy started on port ${port}:\n${spawned.lines.join('\n')}`)
      },
      (error: Error) => error
    )
    const match = /^proxy exited with (\d+) before listening:\n([\s\S]*)$/.exec(second.message)
    if (!match) throw second
    expect(Number(match[1])).toBe(1)
    expect(match[2]).toContain(`proxy-gpt cannot listen on 127.0.0.1:${port} (EADDRINUSE): another program uses that port`)
    expect(match[2]).not.toContain(PROXY_KEY)

    expect(first.child.exitCode).toBeNull()
    expect((await fetch(`${first.url}/health`)).status).toBe(200)
  })
})
