import { describe, expect, test } from 'bun:test'
import { isNegated } from '../../../../../src/cache/semantic/guard/negation'

describe('isNegated', () => {
  test('English negators, with or without the apostrophe', () => {
    expect(isNegated('Is it not safe?')).toBe(true)
    expect(isNegated("Why doesn't it work?")).toBe(true)
    expect(isNegated('why doesnt it work')).toBe(true)
    expect(isNegated('Is it safe?')).toBe(false)
  })

  test('negations that negate nothing', () => {
    expect(isNegated('Is it safe or not?')).toBe(false)
    expect(isNegated("I'm not sure how to exit vim")).toBe(false)
    expect(isNegated('What is No. 5?')).toBe(false)
  })

  test('Chinese: negators count, A-not-A questions and words containing them do not', () => {
    expect(isNegated('哪些国家不需要签证？')).toBe(true)
    expect(isNegated('Python是不是解释型语言？')).toBe(false)
    expect(isNegated('TCP和UDP有什么不同？')).toBe(false)
  })
})
