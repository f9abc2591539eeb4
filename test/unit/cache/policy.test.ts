import { describe, expect, test } from 'bun:test'
import { planFor, removeSkipWord } from '../../../src/cache/policy'
import { loadConfig } from '../../../src/config/load'

const chat = (messages: object[], extra: object = {}) => ({ model: 'gpt-4o-mini', messages, ...extra }) as any
const user = (content: unknown) => ({ role: 'user', content })

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
