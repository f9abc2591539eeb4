import { describe, expect, test } from 'bun:test'
import { cacheKeys } from '../../../../src/cache/keys'
import { messagesDialect } from '../../../../src/dialects/messages'
import type { JsonObject } from '../../../../src/openai/validate'

const req = (messages: unknown[], extra: JsonObject = {}): JsonObject => ({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages, ...extra })
const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] })
const key = (body: JsonObject, context: 'full' | 'last' = 'full') => cacheKeys('messages', structuredClone(body), context)

const TOOL_ROUND = [
  user("What's the weather in Paris?"),
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny, 24°C' }] },
]

describe('Messages cache keys', () => {
  test('field order and the fields that do not decide the answer leave the keys alone', () => {
    const base = key(req([user('hi')], { system: 'Be brief.', temperature: 0.2 }))
    const variants: JsonObject[] = [
      { temperature: 0.2, system: 'Be brief.', messages: [{ content: [{ text: 'hi', type: 'text' }], role: 'user' }], max_tokens: 1024, model: 'claude-sonnet-4-5' },
      req([user('hi')], { system: 'Be brief.', temperature: 0.2, stream: true }),
      req([user('hi')], { system: 'Be brief.', temperature: 0.2, metadata: { user_id: 'user_abc' }, service_tier: 'auto' }),
    ]
    for (const variant of variants) expect(key(variant)).toEqual(base)
  })

  test('every field that decides the answer splits the exact key, unknown ones included', () => {
    const body = req([user('hi')])
    const base = key(body).exact
    const variants: JsonObject[] = [
      { ...body, model: 'claude-opus-4-1' },
      { ...body, max_tokens: 300 },
      { ...body, system: 'Be brief.' },
      { ...body, system: [{ type: 'text', text: 'Be brief.' }] },
      { ...body, messages: [user('Hi')] },
      { ...body, messages: [{ role: 'user', content: 'hi' }] },
      { ...body, messages: [user('earlier'), { role: 'assistant', content: 'ok' }, user('hi')] },
      { ...body, tools: [{ name: 'f', input_schema: { type: 'object' } }] },
      { ...body, tool_choice: { type: 'any' } },
      { ...body, thinking: { type: 'enabled', budget_tokens: 1024 } },
      { ...body, thinking: { type: 'disabled' } },
      { ...body, temperature: 0 },
      { ...body, top_p: 0.5 },
      { ...body, top_k: 5 },
      { ...body, stop_sequences: ['END'] },
      { ...body, container: 'container_1' },
      { ...body, mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }] },
      { ...body, some_vendor_flag: true },
    ]
    const exacts = variants.map((variant) => key(variant).exact)
    for (const exact of exacts) expect(exact).not.toBe(base)
    expect(new Set(exacts).size).toBe(exacts.length)
  })

  test('Messages keys never meet chat keys for the same-looking body', () => {
    const body = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }
    expect(key(body).exact).not.toBe(cacheKeys('chat', structuredClone(body), 'full').exact)
  })

  test('the partition is the same whatever the last question; the system prompt and tools split it', () => {
    const a = key(req([user('What is the capital of France?')], { system: 'Be brief.' }))
    const b = key(req([user('Which city is the capital of France?')], { system: 'Be brief.' }))
    expect(a.exact).not.toBe(b.exact)
    expect(a.partition).toBe(b.partition)
    expect(key(req([user('x')], { system: 'Be long.' })).partition).not.toBe(key(req([user('x')], { system: 'Be brief.' })).partition)
    expect(key(req([user('x')], { tools: [{ name: 'f', input_schema: {} }] })).partition).not.toBe(key(req([user('x')])).partition)
  })

  test('context `last`: earlier turns do not count, the system field and system messages do', () => {
    const long = req([user('earlier'), { role: 'assistant', content: 'ok' }, user('hi')])
    const short = req([user('hi')])
    expect(key(long, 'last').exact).toBe(key(short, 'last').exact)
    expect(key(long, 'full').exact).not.toBe(key(short, 'full').exact)
    const withSystem = req([{ role: 'system', content: 'Be brief.' }, user('hi')])
    expect(key(withSystem, 'last').exact).not.toBe(key(short, 'last').exact)
    expect(key(req([user('hi')], { system: 'x' }), 'last').exact).not.toBe(key(short, 'last').exact)
  })

  test("semantic text: the last user message's text, only when it is all text", () => {
    expect(key(req([{ role: 'user', content: 'hi' }])).semanticText).toBe('hi')
    expect(key(req([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] }])).semanticText).toBe('a\nb')
    // A tool result, an image, a document: exact hits only.
    expect(key(req(TOOL_ROUND)).semanticText).toBeUndefined()
    expect(key(req([{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }, { type: 'text', text: 'what is it?' }] }])).semanticText).toBeUndefined()
    expect(key(req([{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x', media_type: 'text/plain' } }] }])).semanticText).toBeUndefined()
    // The assistant's turn last (a prefill), or a system message after the user's.
    expect(key(req([user('hi'), { role: 'assistant', content: 'The answer is' }])).semanticText).toBeUndefined()
    expect(key(req([user('hi'), { role: 'system', content: 'Be brief.' }])).semanticText).toBeUndefined()
    expect(key(req([{ role: 'user', content: [] }])).semanticText).toBeUndefined()
  })
})

describe('the skip word', () => {
  test('is stripped from the last user message, string or first text block', () => {
    const body = req([{ role: 'user', content: '/skip_cache what time is it?' }])
    expect(messagesDialect.removeSkipWord(body, '/skip_cache ')).toBe(true)
    expect((body.messages as any)[0].content).toBe('what time is it?')

    const blocks = req([{ role: 'user', content: [{ type: 'text', text: '/skip_cache\nnow?', cache_control: { type: 'ephemeral' } }] }])
    expect(messagesDialect.removeSkipWord(blocks, '/skip_cache ')).toBe(true)
    expect((blocks.messages as any)[0].content[0]).toEqual({ type: 'text', text: 'now?', cache_control: { type: 'ephemeral' } })
  })

  test('is left alone elsewhere', () => {
    const assistant = req([user('hi'), { role: 'assistant', content: '/skip_cache x' }])
    expect(messagesDialect.removeSkipWord(assistant, '/skip_cache ')).toBe(false)
    const later = req([user('hi /skip_cache')])
    expect(messagesDialect.removeSkipWord(later, '/skip_cache ')).toBe(false)
    expect(later).toEqual(req([user('hi /skip_cache')]))
  })
})
