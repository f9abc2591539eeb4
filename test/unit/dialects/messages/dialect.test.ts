import { afterAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import { cachedDialectOf, dialectOf } from '../../../../src/dialects'
import { messagesDialect } from '../../../../src/dialects/messages'
import {
  badRequest,
  endpointNotAllowed,
  insufficientQuota,
  invalidApiKey,
  modelNotFound,
  noUpstreamAvailable,
  rateLimitExceeded,
  requestTooLarge,
  upstreamBadResponse,
  upstreamKeysExhausted,
  upstreamTimeout,
  ApiError,
} from '../../../../src/errors'
import { usageOf } from '../../../../src/openai/answer'
import { STORED, TEXT_ONLY } from './fixtures'
import { SdkBench } from './sdk'

const bench = new SdkBench()
afterAll(() => bench.stop())

describe('the Messages dialect', () => {
  test('is registered for the messages endpoint, capped on max_tokens', () => {
    expect(dialectOf('messages')).toBe(messagesDialect)
    expect(cachedDialectOf('messages')).toBe(messagesDialect)
    expect(messagesDialect.outputCapFields).toEqual(['max_tokens'])
  })

  test('asks for no usage and withholds nothing: Anthropic streams always carry theirs', () => {
    const body = { model: 'm', max_tokens: 10, messages: [], stream: true }
    expect(messagesDialect.askForUsage(body)).toBe(false)
    expect(body).toEqual({ model: 'm', max_tokens: 10, messages: [], stream: true })
    expect(messagesDialect.usageFilter()).toBeUndefined()
    expect(messagesDialect.replayForm(body)).toEqual({ stream: true, includeUsage: false })
    expect(messagesDialect.replayForm({})).toEqual({ stream: false, includeUsage: false })
  })

  test('replays everything but a request in a code-execution container', () => {
    expect(messagesDialect.replayable({ model: 'm', thinking: { type: 'enabled', budget_tokens: 2048 }, tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toBe(true)
    expect(messagesDialect.replayable({ model: 'm', container: 'container_011CZ' })).toBe(false)
  })

  describe('completeAnswer', () => {
    const text = (body: unknown) => JSON.stringify(body)
    test('a message with a stop reason is kept as it is', () => {
      expect(messagesDialect.completeAnswer(text(STORED.body))).toEqual(STORED)
      for (const stop_reason of ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal'])
        expect(messagesDialect.completeAnswer(text({ ...TEXT_ONLY.body, stop_reason }))?.body.stop_reason).toBe(stop_reason)
    })
    const refused: Array<[string, string | undefined]> = [
      ['no stop reason', text({ ...TEXT_ONLY.body, stop_reason: null })],
      ['not a message', text({ ...TEXT_ONLY.body, type: 'completion' })],
      ['a user message', text({ ...TEXT_ONLY.body, role: 'user' })],
      ['no content', text({ ...TEXT_ONLY.body, content: undefined })],
      ['an error envelope', text({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })],
      ['an array', '[]'],
      ['unreadable', '{"type":"message"'],
      ['missing', undefined],
    ]
    test.each(refused)('%s: not kept', (_name, body) => expect(messagesDialect.completeAnswer(body)).toBeUndefined())
  })

  test('usageOf: the prompt is all input, cache reads and writes included', () => {
    expect(usageOf(STORED)).toEqual({ prompt_tokens: 472 + 2048, completion_tokens: 89, total_tokens: 472 + 2048 + 89 })
    const written = { ...TEXT_ONLY, body: { ...TEXT_ONLY.body, usage: { input_tokens: 10, cache_creation_input_tokens: 1500, cache_read_input_tokens: null, output_tokens: 3 } } }
    expect(usageOf(written)).toEqual({ prompt_tokens: 1510, completion_tokens: 3, total_tokens: 1513 })
    expect(usageOf(TEXT_ONLY)).toEqual({ prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 })
    // A Responses usage with the same-named fields is not added up: its input_tokens include the cache.
    expect(usageOf({ endpoint: 'responses', body: { usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } })).toEqual({ prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 })
  })
})

describe("errorResponse: Anthropic's envelope, read by the Anthropic SDK as its own errors", () => {
  const cases: Array<[string, ApiError, number, string, new (...args: any[]) => Error]> = [
    ['a bad field', badRequest("Missing required parameter: 'max_tokens'.", 'max_tokens'), 400, 'invalid_request_error', Anthropic.BadRequestError],
    ['a wrong key', invalidApiKey(), 401, 'authentication_error', Anthropic.AuthenticationError],
    ['an endpoint the key may not use', endpointNotAllowed('messages'), 403, 'permission_error', Anthropic.PermissionDeniedError],
    ['a model the key may not use', modelNotFound('claude-opus-4-1'), 404, 'not_found_error', Anthropic.NotFoundError],
    ['a body too large', requestTooLarge(1000), 413, 'request_too_large', Anthropic.ContentTooLargeError],
    ['over the rate limit', rateLimitExceeded('Slow down.', { 'retry-after': '7' }), 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['the budget used up', insufficientQuota('Budget spent.', 3600), 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['every upstream key cooling down', upstreamKeysExhausted(5), 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['an unreadable upstream answer', upstreamBadResponse(), 502, 'api_error', Anthropic.InternalServerError],
    ['no upstream available', noUpstreamAvailable(), 503, 'api_error', Anthropic.ServiceUnavailableError],
    ['an upstream timeout', upstreamTimeout(1000), 504, 'api_error', Anthropic.GatewayTimeoutError],
    ['overloaded', new ApiError({ status: 529, message: 'Overloaded', type: 'upstream_error' }), 529, 'overloaded_error', Anthropic.OverloadedError],
    ['another 4xx', new ApiError({ status: 409, message: 'Conflict', type: 'invalid_request_error' }), 409, 'invalid_request_error', Anthropic.ConflictError],
  ]

  test.each(cases)('%s → %i %s', async (_name, error, status, type, ErrorClass) => {
    const response = messagesDialect.errorResponse(error)
    expect(response.status).toBe(status)
    const headers = Object.fromEntries(response.headers)
    expect(headers).toMatchObject(error.headers)
    expect(headers['content-type']).toContain('application/json')
    const body = await response.clone().json()
    expect(body).toEqual({ type: 'error', error: { type, message: error.message } })

    const thrown = await bench.create(() => response).catch((e) => e)
    expect(thrown).toBeInstanceOf(ErrorClass)
    expect(thrown.status).toBe(status)
    expect(thrown.type).toBe(type)
    expect(thrown.apiMessage).toBe(error.message)
    for (const [name, value] of Object.entries(error.headers)) expect(thrown.headers.get(name)).toBe(value)
  })
})
