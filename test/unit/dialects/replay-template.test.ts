import { describe, expect, test } from 'bun:test'
import type { StoredAnswer } from '../../../src/openai/answer'
import { templateOf } from '../../../src/dialects'
import { replayJson, replaySse } from '../../../src/dialects/chat/replay'
import {
  CJK_ANSWER, COMPLETION_ANSWER, EMBEDDING_ANSWER, REFUSAL_ANSWER, TEXT_ANSWER, TOOLS_ANSWER, TWO_CHOICES_ANSWER, chatAnswer,
} from '../../helpers/sse-fixtures'

// A template must give exactly what replayJson / replaySse give, apart from the id and the time.

const NOW = 1_767_225_600_123
const ANSWERS: Record<string, StoredAnswer> = {
  text: TEXT_ANSWER,
  tools: TOOLS_ANSWER,
  'two choices': TWO_CHOICES_ANSWER,
  refusal: REFUSAL_ANSWER,
  cjk: CJK_ANSWER,
  completion: COMPLETION_ANSWER,
  // Content that looks like the placeholders' surroundings must come back untouched.
  tricky: chatAnswer({ content: 'say "id": "created" and \\"quotes\\" — {"id":"x"} pgpt-id- data: [DONE]\n\n' }),
}

/** The same text with every id and creation time made equal. */
const normalise = (text: string) => text.replace(/"(chatcmpl|cmpl)-[A-Za-z0-9]{29}"/g, '"ID"').replace(/"created":\d+/g, '"created":0')

describe('ReplayTemplate', () => {
  for (const [name, answer] of Object.entries(ANSWERS)) {
    test(`${name}: JSON is replayJson's, with a fresh id and the time of the render`, () => {
      const template = templateOf(answer, { stream: false, includeUsage: false })
      const rendered = template.render(NOW)
      const body = JSON.parse(rendered)
      const expected = replayJson(answer, NOW)
      expect({ ...body, id: 'x' }).toEqual({ ...expected, id: 'x' })
      expect(body.id).toMatch(/^(chatcmpl|cmpl)-[A-Za-z0-9]{29}$/)
      expect(body.created).toBe(Math.floor(NOW / 1000))
      expect(normalise(rendered)).toBe(normalise(JSON.stringify(expected)))
      expect(JSON.parse(template.render(NOW)).id).not.toBe(body.id)
      expect(template.contentHeaders['content-type']).toBe('application/json')
    })

    for (const includeUsage of [false, true]) {
      test(`${name}: a stream${includeUsage ? ' with usage' : ''} is replaySse's, one fresh id on every chunk`, () => {
        const template = templateOf(answer, { stream: true, includeUsage })
        const rendered = template.render(NOW)
        expect(normalise(rendered)).toBe(normalise(replaySse(answer, { includeUsage }, NOW)))
        const ids = new Set([...rendered.matchAll(/"id":"((?:chatcmpl|cmpl)-[A-Za-z0-9]{29})"/g)].map((m) => m[1]))
        expect(ids.size).toBe(1)
        expect(rendered).toContain(`"created":${Math.floor(NOW / 1000)}`)
        expect(rendered.endsWith('data: [DONE]\n\n')).toBe(true)
        expect(template.contentHeaders).toEqual({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
      })
    }
  }

  test('embeddings: as stored in floats, or in base64 when asked; never a stream', () => {
    const floats = templateOf(EMBEDDING_ANSWER, { stream: true, includeUsage: false })
    expect(JSON.parse(floats.render())).toEqual(EMBEDDING_ANSWER.body)
    expect(floats.contentHeaders['content-type']).toBe('application/json')
    const base64 = JSON.parse(templateOf(EMBEDDING_ANSWER, { stream: false, includeUsage: false, encoding: 'base64' }).render())
    const vector = Array.from(new Float32Array(new Uint8Array(Buffer.from(base64.data[0].embedding, 'base64')).buffer))
    expect(vector).toEqual(Array.from(new Float32Array(EMBEDDING_ANSWER.body.data[0].embedding)))
  })

  test('its size grows with the answer', () => {
    const small = templateOf(chatAnswer({ content: 'a' }), { stream: false, includeUsage: false })
    const large = templateOf(chatAnswer({ content: 'a'.repeat(10_000) }), { stream: false, includeUsage: false })
    expect(large.size - small.size).toBeGreaterThanOrEqual(19_990)
  })
})
