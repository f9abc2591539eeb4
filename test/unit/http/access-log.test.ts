import { describe, expect, test } from 'bun:test'
import { accessLogLine, isoClock } from '../../../src/http/access-log'
import { RequestContext } from '../../../src/pipeline/context'

const STAMP = '2026-12-01T12:00:00.000Z'
const context = (request: Request) => new RequestContext(request, '127.0.0.1', 1000, () => 'req_0123')

describe('accessLogLine', () => {
  test('metadata only: no query string, the client by its hash, the cache outcome', () => {
    const request = new Request('http://proxy.example/v1/chat/completions?api-key=sk-secret', { method: 'POST' })
    const ctx = context(request)
    ctx.cache = 'HIT'
    ctx.cacheMatch = 'exact'
    ctx.client = 'ab12cd34'
    expect(accessLogLine(request, ctx, 200, 1012.34, STAMP)).toBe(`${STAMP} POST /v1/chat/completions 200 12.3ms cache=HIT/exact client=ab12cd34 id=req_0123`)
  })

  test('odd bytes in the path are masked, a long one cut; how a stream ended is added', () => {
    const request = new Request(`http://proxy.example/v1/%0A${'a'.repeat(300)}`)
    const ctx = context(request)
    ctx.streamEnd = 'cancelled'
    const line = accessLogLine(request, ctx, 404, 1000, STAMP)
    expect(line).toStartWith(`${STAMP} GET /v1/%0A${'a'.repeat(193)}… 404 0.0ms cache=- client=- id=req_0123 stream=cancelled`)
    const control = new Request('http://proxy.example/v1/x')
    Object.defineProperty(control, 'url', { value: '/v1/a\tb' })
    expect(accessLogLine(control, context(control), 200, 1000, STAMP)).toContain(' /v1/a?b ')
  })
})

describe('isoClock', () => {
  test('one ISO string per millisecond', () => {
    let now = Date.parse(STAMP)
    const clock = isoClock(() => now)
    expect(clock()).toBe(STAMP)
    now += 1
    expect(clock()).toBe('2026-12-01T12:00:00.001Z')
    expect(clock()).toBe('2026-12-01T12:00:00.001Z')
  })
})
