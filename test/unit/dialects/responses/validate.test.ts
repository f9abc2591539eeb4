import { describe, expect, test } from 'bun:test'
import { validateBody } from '../../../../src/dialects'
import type { JsonObject } from '../../../../src/openai/validate'
import { apiError } from '../../../helpers/api-error'

const req = (extra: JsonObject = {}): JsonObject => ({ model: 'gpt-5-mini', input: 'hi', ...extra })

describe('a Responses request is refused with 400 naming the field', () => {
  const cases: Array<[string, JsonObject, string, string]> = [
    ['model missing', { input: 'hi' }, 'model', 'missing_required_parameter'],
    ['model missing, only a conversation', { input: 'hi', conversation: 'conv_1' }, 'model', 'missing_required_parameter'],
    ['model a number', req({ model: 4 }), 'model', 'invalid_type'],
    ['model empty', req({ model: '' }), 'model', 'invalid_type'],
    ['model a number beside a prompt', req({ model: 4, prompt: { id: 'pmpt_1' } }), 'model', 'invalid_type'],
    ['input a number', req({ input: 42 }), 'input', 'invalid_type'],
    ['input an object', req({ input: { role: 'user', content: 'hi' } }), 'input', 'invalid_type'],
    ['input[0] a string', req({ input: ['hi'] }), 'input[0]', 'invalid_type'],
    ['input[1] null', req({ input: [{ role: 'user', content: 'hi' }, null] }), 'input[1]', 'invalid_type'],
    ['input[0] with neither type nor role', req({ input: [{ content: 'hi' }] }), 'input[0].type', 'missing_required_parameter'],
    ['input[0].role a number', req({ input: [{ role: 1, content: 'hi' }] }), 'input[0].role', 'invalid_type'],
    ['input[0].content an object', req({ input: [{ role: 'user', content: { text: 'hi' } }] }), 'input[0].content', 'invalid_type'],
    ['instructions an array', req({ instructions: ['be brief'] }), 'instructions', 'invalid_type'],
    ['stream "yes"', req({ stream: 'yes' }), 'stream', 'invalid_type'],
    ['background 1', req({ background: 1 }), 'background', 'invalid_type'],
    ['max_output_tokens 0', req({ max_output_tokens: 0 }), 'max_output_tokens', 'invalid_type'],
    ['max_output_tokens 2.5', req({ max_output_tokens: 2.5 }), 'max_output_tokens', 'invalid_type'],
    ['max_output_tokens "100"', req({ max_output_tokens: '100' }), 'max_output_tokens', 'invalid_type'],
    ['tools an object', req({ tools: { type: 'function', name: 'f' } }), 'tools', 'invalid_type'],
    ['tools with a string', req({ tools: ['web_search'] }), 'tools', 'invalid_type'],
    ['previous_response_id a number', req({ previous_response_id: 7 }), 'previous_response_id', 'invalid_type'],
  ]

  test.each(cases)('%s', (_name, body, param, code) => {
    const error = apiError(() => validateBody('responses', body))
    expect(error.status).toBe(400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.param).toBe(param)
    expect(error.code).toBe(code)
  })
})

describe('valid Responses requests pass untouched', () => {
  const valid: Array<[string, JsonObject]> = [
    ['a string input', req()],
    ['no input (a prompt template fills it)', { model: 'm', prompt: { id: 'pmpt_1', variables: { city: 'Paris' } } }],
    ['no model with a prompt', { prompt: { id: 'pmpt_1' }, input: 'hi' }],
    ['no model with previous_response_id', { previous_response_id: 'resp_1', input: 'and then?' }],
    [
      'items of every kind',
      req({
        input: [
          { role: 'developer', content: 'Be brief.' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }, { type: 'input_image', image_url: 'https://x/y.png' }] },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
          { type: 'item_reference', id: 'msg_1' },
        ],
      }),
    ],
    ['every checked field set', req({ instructions: 'x', stream: true, background: false, max_output_tokens: 16, tools: [{ type: 'web_search' }], unknown: 1 })],
    ['explicit nulls', req({ instructions: null, stream: null, background: null, max_output_tokens: null, tools: null, input: null })],
  ]

  test.each(valid)('%s', (_name, body) => {
    const before = structuredClone(body)
    expect(() => validateBody('responses', body)).not.toThrow()
    expect(body).toEqual(before)
  })
})
