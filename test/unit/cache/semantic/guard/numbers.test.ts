import { describe, expect, test } from 'bun:test'
import { extractNumbers, sameNumbers } from '../../../../../src/cache/semantic/guard/numbers'

const keys = (text: string) => Object.fromEntries(extractNumbers(text))

describe('extractNumbers', () => {
  test('digits and number words meet at one canonical key', () => {
    expect(keys('twenty-five times 4')).toEqual({ '25': { hard: 1, soft: 0 }, '4': { hard: 1, soft: 0 } })
    expect(keys('Convert 1,000 USD')).toEqual(keys('Convert one thousand USD'))
    expect(keys('Python 3.10')).toEqual({ '3.10': { hard: 1, soft: 0 } })
  })

  test('ordinals have keys of their own', () => {
    expect(keys('the 2nd largest')).toEqual({ '#2': { hard: 1, soft: 0 } })
    expect(keys('the first president')).toEqual({ '#1': { hard: 1, soft: 0 } })
  })

  test('"one" and 一个 as articles are a soft 1', () => {
    expect(keys('which one is better')).toEqual({ '1': { hard: 0, soft: 1 } })
    expect(keys('写一个函数')).toEqual({ '1': { hard: 0, soft: 1 } })
    expect(keys('三个鸡蛋')).toEqual({ '3': { hard: 1, soft: 0 } })
  })
})

describe('sameNumbers', () => {
  test('a soft 1 may match a 1 or nothing; a hard 1 must be matched', () => {
    const none = extractNumbers('name a benefit')
    expect(sameNumbers(extractNumbers('name one benefit'), none)).toBe(true)
    expect(sameNumbers(extractNumbers('name 1 benefit'), none)).toBe(false)
    expect(sameNumbers(extractNumbers('2 eggs'), extractNumbers('two eggs'))).toBe(true)
    expect(sameNumbers(extractNumbers('2 + 2'), extractNumbers('2 + 2 + 2'))).toBe(false)
  })
})
