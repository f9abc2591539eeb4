import { describe, expect, test } from 'bun:test'
import { ApiError, upstreamTimeout, upstreamUnreachable } from '../../../src/errors'
import { keptRefusal, refusalReason, refusalResponse, refusedDetail, upstreamMessage } from '../../../src/upstream/refusal'
import { unreachableCause } from '../../../src/upstream/unreachable'

const KEY = 'AIzaSyQx7vLpRtYhZm9Nc4Wr0ngK3y'

describe('what a refusal says', () => {
  test("the upstream's message: OpenAI's and Anthropic's error.message, a bare message, else the text without tags", () => {
    expect(upstreamMessage('{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}')).toBe('Incorrect API key provided')
    expect(upstreamMessage('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}')).toBe('invalid x-api-key')
    expect(upstreamMessage('{"message":"Forbidden"}')).toBe('Forbidden')
    expect(upstreamMessage('<html><body><h1>403 Forbidden</h1>\n  nginx</body></html>')).toBe('403 Forbidden nginx')
    expect(upstreamMessage('')).toBe('')
  })

  test('the reason: status and message, keys masked before it is cut, so no piece of a key survives', () => {
    const echo = '{"error":{"message":"Incorrect API key provided: sk-proj-abc****************wxyz. You can find your API key at https://platform.openai.com/account/api-keys."}}'
    expect(refusalReason(401, echo, [])).toBe('401 Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.')
    expect(refusalReason(403, `{"error":{"message":"key ${KEY} is not allowed"}}`, [KEY])).toBe('403 key *** is not allowed')
    // A key right where the cut falls is masked first, not cut in half and left readable.
    const long = refusalReason(401, `{"error":{"message":"${'x'.repeat(185)} ${KEY} and more"}}`, [KEY])
    expect(long.length).toBeLessThanOrEqual(200)
    expect(long).not.toContain(KEY.slice(0, 8))
    expect(long.endsWith('…')).toBe(true)
    expect(refusalReason(401, '', [])).toBe('401')
    // Providers that echo the end of a key without an `sk-` prefix: the characters go too.
    expect(refusalReason(401, '{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid"}}', [])).toBe(
      '401 Authentication Fails, Your api key: *** is invalid'
    )
  })

  test('the kept answer: masked, given back with its status and a content type', async () => {
    const kept = keptRefusal(401, `{"error":{"message":"bad ${KEY}"}}`, [KEY])
    expect(kept).toEqual({ status: 401, body: '{"error":{"message":"bad ***"}}' })
    const response = refusalResponse(kept)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('{"error":{"message":"bad ***"}}')
    expect(refusalResponse({ status: 403, body: 'Forbidden' }).headers.get('content-type')).toStartWith('text/plain')
  })

  test("the 503's detail names each upstream with its distinct reasons; nothing when no reason is known", () => {
    expect(
      refusedDetail(
        [
          { name: 'openai', reasons: ['401 Incorrect API key provided: sk-***.', '401 Incorrect API key provided: sk-***.'] },
          { name: 'idle', reasons: [] },
          { name: 'deepseek', reasons: ['402 Insufficient Balance'] },
        ],
        10
      )
    ).toBe("upstream 'openai' refused its key(s) (401 Incorrect API key provided: sk-***.), upstream 'deepseek' refused its key(s) (402 Insufficient Balance); rechecked every 10 minutes")
    expect(refusedDetail([{ name: 'a', reasons: [] }], 10)).toBeUndefined()
  })
})

describe('why an upstream could not be reached', () => {
  const fetchError = (code: string, message: string) => Object.assign(new TypeError(message), { code })
  test('connection refused, DNS, TLS, reset, timeout: a few words and the code; the host only with `full`', () => {
    const refused = upstreamUnreachable(fetchError('ECONNREFUSED', 'ECONNREFUSED: Unable to connect. Is the computer able to access the url?'))
    expect(unreachableCause(refused)).toBe('connection refused (ECONNREFUSED)')
    expect(unreachableCause(refused, true)).toBe('connection refused (ECONNREFUSED: Unable to connect. Is the computer able to access the url?)')
    const dns = upstreamUnreachable(fetchError('ENOTFOUND', 'getaddrinfo ENOTFOUND llm.internal.example'))
    expect(unreachableCause(dns)).toBe('DNS lookup failed (ENOTFOUND)')
    expect(unreachableCause(dns, true)).toBe('DNS lookup failed (getaddrinfo ENOTFOUND llm.internal.example)')
    expect(unreachableCause(upstreamUnreachable(fetchError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self signed certificate')))).toBe('TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT)')
    expect(unreachableCause(upstreamUnreachable(fetchError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self signed certificate')), true)).toBe(
      'TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT: self signed certificate)'
    )
    expect(unreachableCause(upstreamUnreachable(fetchError('EPROTO', 'EPROTO: The TLS handshake failed.')))).toBe('TLS failed (EPROTO)')
    expect(unreachableCause(upstreamUnreachable(fetchError('ECONNRESET', 'socket hang up')))).toBe('connection reset (ECONNRESET)')
    expect(unreachableCause(upstreamTimeout(30_000))).toBe('no answer within 30000 ms (UPSTREAM_TIMEOUT_MS)')
    expect(unreachableCause(Object.assign(new Error('The operation timed out.'), { name: 'TimeoutError' }))).toBe('no answer in time (timeout)')
    expect(unreachableCause(upstreamUnreachable())).toBe('unknown cause')
    expect(unreachableCause(new ApiError({ status: 502, message: 'x', type: 'upstream_error', code: 'upstream_unreachable' }))).toBe('unknown cause')
  })
})
