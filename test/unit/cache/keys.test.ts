import { describe, expect, test } from 'bun:test'
import { cacheKeys, canonicalJson, textOf } from '../../../src/cache/keys'

const chat = (messages: object[], extra: object = {}) => ({ model: 'gpt-4o-mini', messages, ...extra }) as any
const user = (content: unknown) => ({ role: 'user', content })

describe('canonicalJson', () => {
  test('sorts keys at every level, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}')
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]))
    expect(canonicalJson('x')).toBe('"x"')
  })
})

describe('cacheKeys', () => {
  const key = (body: any, context: 'full' | 'last' = 'full') => cacheKeys('chat', body, context)

  test('chat keys are pinned: caches written by earlier versions still hit', () => {
    // The SHA-256 of the canonical JSON of the key's parts, computed once and written down, so any change in
    // how keys are derived fails here instead of silently missing every cached answer:
    //   exact     = sha256('{"earlier":[{"content":"Be brief.","role":"system"}],"endpoint":"chat","last":{"content":"Hi","name":"ann","role":"user"},"params":{"model":"gpt-4o-mini","temperature":0}}')
    //   partition = sha256('{"earlier":[{"content":"Be brief.","role":"system"}],"endpoint":"chat","lastShape":{"name":"ann","role":"user"},"params":{"model":"gpt-4o-mini","temperature":0}}')
    const earlier = [{ role: 'system', content: 'Be brief.' }]
    const last = { role: 'user', content: 'Hi', name: 'ann' }
    const keys = key(chat([...earlier, last], { temperature: 0, stream: true }))
    expect(keys.exact).toBe('7fe8679d3501a44a88b4d94572ecde501ac85564d0a6b9a92b2a974c0461b390')
    expect(keys.partition).toBe('b121139259285c328b5740160df99b3fac243161ade1dc08e897139bab7ee0d1')
  })

  test('field order, stream, stream_options, user, metadata and store do not split the exact key', () => {
    const base = key(chat([user('hi')], { temperature: 0.3 }))
    const variants = [
      { temperature: 0.3, messages: [{ content: 'hi', role: 'user' }], model: 'gpt-4o-mini' },
      chat([user('hi')], { temperature: 0.3, stream: true, stream_options: { include_usage: true } }),
      chat([user('hi')], { temperature: 0.3, user: 'u1', metadata: { a: 1 }, store: true, service_tier: 'flex' }),
    ]
    for (const v of variants) expect(key(v)).toEqual(base)
  })

  test('anything that decides the answer splits it, unknown fields included', () => {
    const base = key(chat([user('hi')])).exact
    const variants = [
      { ...chat([user('hi')]), model: 'gpt-4o' },
      chat([user('hi')], { temperature: 1 }),
      chat([user('hi')], { max_completion_tokens: 10 }),
      chat([user('hi')], { response_format: { type: 'json_object' } }),
      chat([user('hi')], { tools: [{ type: 'function', function: { name: 'f' } }] }),
      chat([user('hi')], { seed: 1 }),
      chat([user('hi')], { some_vendor_flag: true }),
      chat([{ role: 'system', content: 'be brief' }, user('hi')]),
      chat([user('Hi')]),
      chat([{ role: 'user', content: 'hi', name: 'bob' }]),
    ]
    for (const v of variants) expect(key(v).exact).not.toBe(base)
  })

  test('partition: same for the same context with another last question, different otherwise', () => {
    const a = key(chat([{ role: 'system', content: 's' }, user('first question')]))
    const b = key(chat([{ role: 'system', content: 's' }, user('another question')]))
    expect(a.partition).toBe(b.partition)
    expect(a.exact).not.toBe(b.exact)
    expect(a.semanticText).toBe('first question')
    expect(key(chat([{ role: 'system', content: 'other' }, user('first question')])).partition).not.toBe(a.partition)
    expect(key(chat([user('first question')], { temperature: 0 })).partition).not.toBe(key(chat([user('first question')])).partition)
  })

  test('full context: earlier turns split key and partition; last context: only system messages count', () => {
    const turnsA = [user('we talk about Paris'), { role: 'assistant', content: 'ok' }]
    const turnsB = [user('we talk about Rome'), { role: 'assistant', content: 'ok' }]
    const full = (turns: object[]) => key(chat([{ role: 'system', content: 's' }, ...turns, user('how old is it?')]), 'full')
    const last = (turns: object[]) => key(chat([{ role: 'system', content: 's' }, ...turns, user('how old is it?')]), 'last')
    expect(full(turnsA).exact).not.toBe(full(turnsB).exact)
    expect(full(turnsA).partition).not.toBe(full(turnsB).partition)
    expect(last(turnsA)).toEqual(last(turnsB))
    expect(last(turnsA)).toEqual(last([]))
    expect(last([]).partition).not.toBe(key(chat([{ role: 'system', content: 'other' }, user('how old is it?')]), 'last').partition)
  })

  test('semantic text only for a plain-text last user message', () => {
    expect(key(chat([user([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }])])).semanticText).toBe('a\nb')
    expect(key(chat([user([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'x' } }])])).semanticText).toBeUndefined()
    expect(key(chat([user('q'), { role: 'assistant', tool_calls: [] }, { role: 'tool', tool_call_id: 'c', content: '42' }])).semanticText).toBeUndefined()
    expect(textOf(null)).toBeUndefined()
  })

  test('completions: the prompt is the matched text; embeddings: exact only, encoding_format ignored', () => {
    const a = cacheKeys('completions', { model: 'm', prompt: 'say hi', max_tokens: 5 }, 'full')
    const b = cacheKeys('completions', { model: 'm', prompt: 'say hello', max_tokens: 5 }, 'full')
    expect(a.partition).toBe(b.partition)
    expect(a.semanticText).toBe('say hi')
    expect(cacheKeys('completions', { model: 'm', prompt: [1, 2, 3] }, 'full').semanticText).toBeUndefined()
    const e1 = cacheKeys('embeddings', { model: 'e', input: 'x', encoding_format: 'base64' }, 'full')
    const e2 = cacheKeys('embeddings', { model: 'e', input: 'x' }, 'full')
    expect(e1).toEqual(e2)
    expect(e1.semanticText).toBeUndefined()
    expect(cacheKeys('embeddings', { model: 'e', input: 'x', dimensions: 256 }, 'full').exact).not.toBe(e1.exact)
  })
})
