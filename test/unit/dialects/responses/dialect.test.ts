import { describe, expect, test } from 'bun:test'
import { cachedDialectOf, clampOutputTokens, dialectOf } from '../../../../src/dialects'
import { responsesDialect } from '../../../../src/dialects/responses'
import { isCached } from '../../../../src/dialects/types'
import { usageOf } from '../../../../src/openai/answer'
import { CACHEABLE } from '../../../../src/openai/endpoints'
import { STORED, USAGE } from './fixtures'

describe('the Responses dialect', () => {
  test('is a cached dialect of the registry', () => {
    expect(isCached(dialectOf('responses'))).toBe(true)
    expect(cachedDialectOf('responses')).toBe(responsesDialect)
    expect(CACHEABLE.has('responses')).toBe(true)
  })

  test('max_output_tokens is its output cap', () => {
    const body: Record<string, unknown> = { model: 'm', input: 'hi', max_output_tokens: 5000 }
    expect(clampOutputTokens('responses', body, 300)).toBe(true)
    expect(body.max_output_tokens).toBe(300)
  })

  test('its stream brings its own usage: nothing asked for, nothing withheld', () => {
    const body = { model: 'm', input: 'hi', stream: true }
    expect(responsesDialect.askForUsage(body)).toBe(false)
    expect(body).toEqual({ model: 'm', input: 'hi', stream: true })
    expect(responsesDialect.usageFilter()).toBeUndefined()
  })

  test('replayable: not in the background, not in a conversation, not with log probabilities or audio', () => {
    const ok = (extra: object) => responsesDialect.replayable({ model: 'm', input: 'hi', ...extra })
    expect(ok({})).toBe(true)
    expect(ok({ background: false, include: ['reasoning.encrypted_content', 'web_search_call.action.sources'], top_logprobs: 0 })).toBe(true)
    expect(ok({ background: true })).toBe(false)
    // A conversation changes under the same id with every turn, and a hit would not add its turn to it.
    expect(ok({ conversation: 'conv_1' })).toBe(false)
    expect(ok({ conversation: { id: 'conv_1' } })).toBe(false)
    expect(ok({ conversation: null, previous_response_id: 'resp_1' })).toBe(true)
    expect(ok({ include: ['message.output_text.logprobs'] })).toBe(false)
    expect(ok({ top_logprobs: 5 })).toBe(false)
    expect(ok({ include: ['message.input_audio.transcript'] })).toBe(false)
  })

  test('replayForm: stream or JSON, with the request’s echoed fields', () => {
    const form = responsesDialect.replayForm({ model: 'm', input: 'hi', stream: true, metadata: { a: '1' }, store: false, user: 'u' })
    expect(form).toEqual({ stream: true, includeUsage: false, echo: { metadata: { a: '1' }, user: 'u' } } as any)
    expect(responsesDialect.replayForm({ model: 'm', input: 'hi' }).stream).toBe(false)
  })

  describe('completeAnswer', () => {
    const text = (body: object) => JSON.stringify(body)

    test('a completed response is kept whole', () => {
      expect(responsesDialect.completeAnswer(text(STORED.body))).toEqual(STORED)
    })

    test.each([
      ['incomplete', { ...STORED.body, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }],
      ['failed', { ...STORED.body, status: 'failed', error: { code: 'server_error', message: 'x' } }],
      ['queued (background)', { ...STORED.body, status: 'queued', output: [] }],
      ['in progress', { ...STORED.body, status: 'in_progress' }],
      ['with an error', { ...STORED.body, error: { code: 'x', message: 'y' } }],
      ['without output', { ...STORED.body, output: undefined }],
      ['not a response', { ...STORED.body, object: 'chat.completion' }],
      ['an error envelope', { error: { message: 'bad', type: 'invalid_request_error' } }],
    ])('%s: not kept', (_name, body) => {
      expect(responsesDialect.completeAnswer(text(body))).toBeUndefined()
    })

    test('unreadable or missing text: not kept', () => {
      expect(responsesDialect.completeAnswer('{"status":')).toBeUndefined()
      expect(responsesDialect.completeAnswer(undefined)).toBeUndefined()
      expect(responsesDialect.completeAnswer('[1]')).toBeUndefined()
    })
  })

  test("usageOf reads a response's input and output tokens", () => {
    expect(usageOf(STORED)).toEqual({ prompt_tokens: USAGE.input_tokens, completion_tokens: USAGE.output_tokens, total_tokens: USAGE.total_tokens })
    expect(usageOf({ endpoint: 'responses', body: { usage: { input_tokens: 4, output_tokens: 6 } } })).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 })
    expect(usageOf({ endpoint: 'responses', body: { ...STORED.body, usage: null } })).toBeUndefined()
  })
})
