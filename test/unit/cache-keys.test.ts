import { describe, expect, test } from 'bun:test'
import { cacheKeys, canonicalJson, textOf } from '../../src/cache/keys'
import { planFor, removeSkipWord } from '../../src/cache/policy'
import { loadConfig } from '../../src/config'

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

  test('chat keys are the SHA-256 of the canonical JSON of their parts, so caches written by earlier versions still hit', () => {
    const sha = (value: unknown) => new Bun.CryptoHasher('sha256').update(canonicalJson(value)).digest('hex')
    const earlier = [{ role: 'system', content: 'Be brief.' }]
    const last = { role: 'user', content: 'Hi', name: 'ann' }
    const keys = key(chat([...earlier, last], { temperature: 0, stream: true }))
    const params = { model: 'gpt-4o-mini', temperature: 0 }
    expect(keys.exact).toBe(sha({ endpoint: 'chat', params, earlier, last }))
    expect(keys.partition).toBe(sha({ endpoint: 'chat', params, earlier, lastShape: { role: 'user', name: 'ann' } }))
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

describe('planFor and the skip word', () => {
  const cache = loadConfig({ OPENAI_KEY: 'sk-a', PROXY_KEY: 'p' }).cache
  const headers = (h: Record<string, string> = {}) => new Headers(h)

  test('normal, refresh (no-cache, Pragma, skip word), off (no-store, disabled, unreplayable)', () => {
    expect(planFor('chat', chat([user('q')]), headers(), cache)).toEqual({ lookup: true, store: true })
    expect(planFor('chat', chat([user('q')]), headers({ 'cache-control': 'no-cache' }), cache)).toEqual({ lookup: false, store: true })
    expect(planFor('chat', chat([user('q')]), headers({ pragma: 'no-cache' }), cache)).toEqual({ lookup: false, store: true })
    expect(planFor('chat', chat([user('q')]), headers({ 'cache-control': 'max-age=0, no-store' }), cache)).toEqual({ lookup: false, store: false })
    expect(planFor('chat', chat([user('q')]), headers(), { ...cache, allowed: false })).toEqual({ lookup: false, store: false })
    expect(planFor('chat', chat([user('q')], { logprobs: true }), headers(), cache)).toEqual({ lookup: false, store: false })
    expect(planFor('chat', chat([user('q')], { modalities: ['text', 'audio'] }), headers(), cache)).toEqual({ lookup: false, store: false })
    const body = chat([user('/skip_cache q')])
    expect(planFor('chat', body, headers(), cache)).toEqual({ lookup: false, store: true })
    expect(body.messages[0].content).toBe('q')
  })

  test('removeSkipWord: only at the start of the last user message, in every content form', () => {
    const word = '/skip_cache '
    const strings = chat([user('/skip_cache earlier'), { role: 'assistant', content: 'x' }, user('/skip_cache now')])
    expect(removeSkipWord('chat', strings, word)).toBe(true)
    expect(strings.messages.map((m: any) => m.content)).toEqual(['/skip_cache earlier', 'x', 'now'])
    const parts = chat([user([{ type: 'text', text: '/skip_cache look' }, { type: 'image_url', image_url: { url: 'u' } }])])
    expect(removeSkipWord('chat', parts, word)).toBe(true)
    expect(parts.messages[0].content[0].text).toBe('look')
    expect(removeSkipWord('chat', chat([user('please /skip_cache this')]), word)).toBe(false)
    const alone = chat([user('/skip_cache\nline two')])
    expect(removeSkipWord('chat', alone, word)).toBe(true)
    expect(alone.messages[0].content).toBe('line two')
    const prompt: any = { model: 'm', prompt: '/skip_cache hi' }
    expect(removeSkipWord('completions', prompt, word)).toBe(true)
    expect(prompt.prompt).toBe('hi')
    expect(removeSkipWord('embeddings', { model: 'e', input: '/skip_cache x' }, word)).toBe(false)
  })
})
