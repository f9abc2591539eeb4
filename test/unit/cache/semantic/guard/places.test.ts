import { describe, expect, test } from 'bun:test'
import { guardAllows, type GuardReason } from '../../../../../src/cache/semantic/guard/guard'
import { placeNames } from '../../../../../src/cache/semantic/guard/places'

/** Both argument orders: the cache may hold either question, so the verdict must not depend on it. */
function verdict(a: string, b: string): 'ok' | GuardReason {
  const forward = guardAllows(a, b)
  expect(guardAllows(b, a)).toEqual(forward)
  return forward.ok ? 'ok' : forward.reason
}

describe('placeNames', () => {
  test('the longest name first, so a longer name is not read as the shorter one inside it', () => {
    expect(placeNames('印度尼西亚的首都')).toEqual(['印度尼西亚'])
    expect(placeNames('上海南站在哪里')).toEqual(['上海'])
    expect(placeNames('巴西利亚是巴西的首都吗')).toEqual(['巴西利亚', '巴西'])
  })

  test('other names of a place fold to one', () => {
    expect(placeNames('美利坚合众国和澳洲')).toEqual(['美国', '澳大利亚'])
  })

  test('found in Han runs between Latin words and punctuation; nothing in a text without places', () => {
    expect(placeNames('Python在中国和日本流行吗？')).toEqual(['中国', '日本'])
    expect(placeNames('怎么用Python反转列表？')).toEqual([])
    expect(placeNames('What is the capital of France?')).toEqual([])
  })
})

describe('the entity rule with Chinese place names', () => {
  test.each([
    ['法国的首都是哪里？', '德国的首都是哪里？'],
    ['日本的首都是哪里？', '韩国的首都是哪里？'],
    ['法国首都是哪个城市？', '德国首都是哪个城市？'],
    ['北京有什么好吃的？', '上海有什么好吃的？'],
    ['从北京去东京要多久？', '从北京去大阪要多久？'],
    ['Python在中国流行吗？', 'Python在日本流行吗？'],
    ['印度的人口是多少？', '印度尼西亚的人口是多少？'],
    ['长江有多长？', '黄河有多长？'],
  ])('rejects %p / %p', (a, b) => {
    expect(verdict(a, b)).toBe('entity')
  })

  test.each([
    ['法国的首都是哪里？', '法国首都是哪个城市？'],
    ['美国的首都是哪里？', '美利坚合众国的首都是哪里？'],
    ['澳洲有多少人口？', '澳大利亚有多少人口？'],
    ['巴黎是法国的首都吗？', '法国的首都是巴黎吗？'],
    ['东京有哪些好玩的地方？', '东京有什么好玩的？'],
  ])('lets %p / %p through', (a, b) => {
    expect(verdict(a, b)).toBe('ok')
  })

  test('names outside the gazetteer are still not seen (documented limit)', () => {
    expect(verdict('苹果公司的CEO是谁？', '微软公司的CEO是谁？')).toBe('ok')
  })
})
