import { describe, expect, test } from 'bun:test'
import { cacheKeys } from '../../../../src/cache/keys'
import { responsesDialect } from '../../../../src/dialects/responses'
import type { JsonObject } from '../../../../src/openai/validate'

const req = (input: unknown, extra: JsonObject = {}): JsonObject => ({ model: 'gpt-5-mini', input, ...extra })
const user = (text: string) => ({ role: 'user', content: [{ type: 'input_text', text }] })
const key = (body: JsonObject, context: 'full' | 'last' = 'full') => cacheKeys('responses', structuredClone(body), context)

describe('Responses cache keys', () => {
  test('field order and the fields that do not decide the answer leave the keys alone', () => {
    const base = key(req([user('hi')], { instructions: 'Be brief.', temperature: 0.2 }))
    const variants: JsonObject[] = [
      { temperature: 0.2, instructions: 'Be brief.', input: [{ content: [{ text: 'hi', type: 'input_text' }], role: 'user' }], model: 'gpt-5-mini' },
      req([user('hi')], { instructions: 'Be brief.', temperature: 0.2, stream: true, stream_options: { include_obfuscation: false } }),
      req([user('hi')], { instructions: 'Be brief.', temperature: 0.2, metadata: { a: '1' }, user: 'u1', safety_identifier: 's', prompt_cache_key: 'k', service_tier: 'flex', store: true }),
    ]
    for (const variant of variants) expect(key(variant)).toEqual(base)
  })

  test('a string input is one user message', () => {
    expect(key(req('hi'))).toEqual(key(req([{ role: 'user', content: 'hi' }])))
    expect(key(req('hi')).semanticText).toBe('hi')
  })

  test('every field that decides the answer splits the exact key, unknown ones included', () => {
    const body = req([user('hi')])
    const base = key(body).exact
    const variants: JsonObject[] = [
      { ...body, model: 'gpt-5' },
      { ...body, instructions: 'Be brief.' },
      { ...body, input: [user('Hi')] },
      { ...body, input: [{ role: 'developer', content: 'x' }, user('hi')] },
      { ...body, tools: [{ type: 'function', name: 'f', parameters: {} }] },
      { ...body, tool_choice: 'required' },
      { ...body, text: { format: { type: 'json_object' } } },
      { ...body, reasoning: { effort: 'high' } },
      { ...body, temperature: 0 },
      { ...body, top_p: 0.5 },
      { ...body, max_output_tokens: 100 },
      { ...body, previous_response_id: 'resp_1' },
      { ...body, conversation: 'conv_1' },
      { ...body, truncation: 'auto' },
      { ...body, include: ['reasoning.encrypted_content'] },
      { ...body, parallel_tool_calls: false },
      { ...body, prompt: { id: 'pmpt_1' } },
      { ...body, some_vendor_flag: true },
      // An answer made without being kept upstream has an id nobody can chain on.
      { ...body, store: false },
    ]
    const exacts = variants.map((variant) => key(variant).exact)
    for (const exact of exacts) expect(exact).not.toBe(base)
    expect(new Set(exacts).size).toBe(exacts.length)
  })

  test('the cache group and the query string split both keys', () => {
    const body = req('hi')
    expect(cacheKeys('responses', body, 'full', '', 'group:a').exact).not.toBe(key(body).exact)
    expect(cacheKeys('responses', body, 'full', '?api-version=1').partition).not.toBe(key(body).partition)
  })

  test('the semantic text is the last item when it is the user’s text', () => {
    expect(key(req([{ role: 'developer', content: 'Be brief.' }, user('What is the capital')])).semanticText).toBe('What is the capital')
    expect(key(req([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }] }])).semanticText).toBe('a\nb')
    expect(key(req([{ role: 'user', content: [{ type: 'input_text', text: 'this?' }, { type: 'input_image', image_url: 'https://x/y.png' }] }])).semanticText).toBeUndefined()
    expect(key(req([user('q'), { role: 'assistant', content: 'a' }])).semanticText).toBeUndefined()
    expect(key(req([user('q'), { type: 'function_call_output', call_id: 'c', output: 'sunny' }])).semanticText).toBeUndefined()
    expect(key(req([{ type: 'item_reference', id: 'msg_1' }])).semanticText).toBeUndefined()
    expect(key(req([])).semanticText).toBeUndefined()
    expect(key({ model: 'm', prompt: { id: 'pmpt_1' } }).semanticText).toBeUndefined()
  })

  test('no semantic text for a request that continues a stored response or conversation', () => {
    expect(key(req('and in Rome?', { previous_response_id: 'resp_1' })).semanticText).toBeUndefined()
    expect(key(req('and in Rome?', { conversation: 'conv_1' })).semanticText).toBeUndefined()
    expect(key(req('and in Rome?', { conversation: { id: 'conv_1' } })).semanticText).toBeUndefined()
    expect(key(req('and in Rome?', { previous_response_id: null })).semanticText).toBe('and in Rome?')
  })

  test('partition: the exact key without the last item', () => {
    const a = key(req([{ role: 'developer', content: 's' }, user('first question')]))
    const b = key(req([{ role: 'developer', content: 's' }, user('another question')]))
    expect(a.exact).not.toBe(b.exact)
    expect(a.partition).toBe(b.partition)
    // The same question under other instructions, history or parameters is another partition.
    expect(key(req([{ role: 'developer', content: 't' }, user('first question')])).partition).not.toBe(a.partition)
    expect(key(req([{ role: 'developer', content: 's' }, user('first question')], { temperature: 0 })).partition).not.toBe(a.partition)
    expect(key(req([user('earlier'), { role: 'developer', content: 's' }, user('first question')])).partition).not.toBe(a.partition)
    // The last item's shape still counts: an assistant message is not a user question.
    expect(key(req([{ role: 'developer', content: 's' }, { role: 'assistant', content: 'first question' }])).partition).not.toBe(a.partition)
    // A string input and its message form share the partition.
    expect(key(req('q1')).partition).toBe(key(req([user('q2')])).partition)
  })

  test('CACHE_CONTEXT=last keeps only system and developer items before the last', () => {
    const history = [{ role: 'developer', content: 's' }, user('earlier'), { role: 'assistant', content: 'old answer' }, user('now')]
    const other = [{ role: 'developer', content: 's' }, user('something else'), user('now')]
    expect(key(req(history), 'last').exact).toBe(key(req(other), 'last').exact)
    expect(key(req(history), 'full').exact).not.toBe(key(req(other), 'full').exact)
    expect(key(req(history), 'last').exact).not.toBe(key(req([{ role: 'developer', content: 't' }, user('now')]), 'last').exact)
  })
})

describe('the skip word', () => {
  const WORD = '/skip_cache '
  const strip = (body: JsonObject) => [responsesDialect.removeSkipWord(body, WORD), body] as const

  test('is removed from a string input, a string content and the first input_text part', () => {
    expect(strip(req('/skip_cache hi'))).toEqual([true, req('hi')])
    expect(strip(req([{ role: 'user', content: '/skip_cache hi' }]))).toEqual([true, req([{ role: 'user', content: 'hi' }])])
    const parts = req([{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'u' }, { type: 'input_text', text: '/skip_cache what is this?' }] }])
    const [removed, body] = strip(parts)
    expect(removed).toBe(true)
    expect((body.input as any)[0].content[1].text).toBe('what is this?')
    expect(strip(req('/skip_cache'))).toEqual([true, req('')])
  })

  test('only from the last item, and only when it is the user’s', () => {
    expect(strip(req([{ role: 'user', content: '/skip_cache a' }, { role: 'assistant', content: 'b' }]))[0]).toBe(false)
    expect(strip(req([{ type: 'function_call_output', call_id: 'c', output: '/skip_cache x' }]))[0]).toBe(false)
    expect(strip(req('no word here'))).toEqual([false, req('no word here')])
    expect(strip({ model: 'm', prompt: { id: 'p' } })[0]).toBe(false)
  })

  test('a request without the word has the same keys once the word is removed', () => {
    const body = req('/skip_cache hi')
    responsesDialect.removeSkipWord(body, WORD)
    expect(key(body)).toEqual(key(req('hi')))
  })
})
