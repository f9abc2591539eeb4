import { describe, expect, test } from 'bun:test'
import { age, answerText, storedJson } from '../../../src/http/pages/app/console/cache-text'

// The console's cache entry view (issue 24): the stored answer read as the text its asker saw, in each dialect
// the cache keeps (src/openai/answer.ts), and the stored JSON when there is no text to read.

describe('answerText', () => {
  test('chat: the assistant text of each choice; content parts and a refusal count as text', () => {
    const body = {
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: '<b>4</b>', refusal: null } },
        { index: 1, message: { role: 'assistant', content: [{ type: 'text', text: 'four' }, { type: 'image_url' }] } },
        { index: 2, message: { role: 'assistant', content: null, refusal: 'I cannot.' } },
      ],
    }
    expect(answerText({ endpoint: 'chat', body })).toBe('<b>4</b>\n\nfour\n\nI cannot.')
  })

  test('chat with a tool call and no text: none (the page shows the JSON)', () => {
    const body = { choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] } }] }
    expect(answerText({ endpoint: 'chat', body })).toBeNull()
  })

  test('completions: each choice text', () => {
    expect(answerText({ endpoint: 'completions', body: { choices: [{ text: 'Completed: hi' }] } })).toBe('Completed: hi')
  })

  test('responses: output_text and refusal parts of message items; reasoning and calls left out', () => {
    const body = {
      object: 'response',
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Paris', annotations: [] }] },
        { type: 'function_call', name: 'f', arguments: '{}' },
        { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
    }
    expect(answerText({ endpoint: 'responses', body })).toBe('Paris\n\nNo.')
  })

  test('messages (Anthropic): the text blocks; thinking and tool_use left out', () => {
    const body = {
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'Hello' },
        { type: 'tool_use', id: 't', name: 'f', input: {} },
      ],
    }
    expect(answerText({ endpoint: 'messages', body })).toBe('Hello')
  })

  test('embeddings, an unknown endpoint or a malformed body: none', () => {
    expect(answerText({ endpoint: 'embeddings', body: { data: [{ embedding: [0.1] }] } })).toBeNull()
    expect(answerText({ endpoint: 'chat', body: null })).toBeNull()
    expect(answerText({ endpoint: 'chat', body: { choices: 'x' } })).toBeNull()
    expect(answerText({ endpoint: 'audio', body: { text: 'x' } })).toBeNull()
  })
})

describe('storedJson', () => {
  test('indented, with a long number array (an embedding) cut to its first 8', () => {
    const text = storedJson({ data: [{ embedding: Array.from({ length: 20 }, (_, i) => i) }], model: 'm' })
    expect(JSON.parse(text)).toEqual({ data: [{ embedding: [0, 1, 2, 3, 4, 5, 6, 7, '… 12 more'] }], model: 'm' })
    expect(text).toContain('\n  "model": "m"')
  })

  test('short arrays and strings as they are', () => {
    expect(JSON.parse(storedJson({ a: [1, 2], s: '<script>' }))).toEqual({ a: [1, 2], s: '<script>' })
  })
})

describe('age', () => {
  const now = Date.parse('2026-05-01T12:00:00Z')
  test('the largest whole unit', () => {
    expect(age('2026-05-01T11:59:30Z', now)).toEqual([30, 's'])
    expect(age('2026-05-01T11:15:00Z', now)).toEqual([45, 'min'])
    expect(age('2026-05-01T07:00:00Z', now)).toEqual([5, 'h'])
    expect(age('2026-04-28T12:00:00Z', now)).toEqual([3, 'd'])
  })
  test('a time ahead (another replica’s clock) or unreadable: 0 s', () => {
    expect(age('2026-05-01T12:00:05Z', now)).toEqual([0, 's'])
    expect(age('not a date', now)).toEqual([0, 's'])
  })
})
