import { describe, expect, test } from 'bun:test'
import { usageOf } from '../../../src/openai/answer'
import { TEXT_ANSWER, NO_USAGE_ANSWER, EMBEDDING_ANSWER } from '../../helpers/sse-fixtures'

describe('usageOf', () => {
  test('the three counts, for every endpoint; undefined without usage', () => {
    expect(usageOf(TEXT_ANSWER)).toEqual({ prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 })
    expect(usageOf(EMBEDDING_ANSWER)).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 })
    expect(usageOf(NO_USAGE_ANSWER)).toBeUndefined()
    expect(usageOf({ endpoint: 'chat', body: { usage: { prompt_tokens: 'x' } } })).toBeUndefined()
    expect(usageOf({ endpoint: 'chat', body: { usage: { prompt_tokens: 2, completion_tokens: 3 } } })).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 })
  })
})
