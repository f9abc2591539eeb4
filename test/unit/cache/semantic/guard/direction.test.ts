import { describe, expect, test } from 'bun:test'
import { relations, reversedRelations } from '../../../../../src/cache/semantic/guard/direction'
import { guardAllows, type GuardReason } from '../../../../../src/cache/semantic/guard/guard'

/** Both argument orders: the cache may hold either question, so the verdict must not depend on it. */
function verdict(a: string, b: string): 'ok' | GuardReason {
  const forward = guardAllows(a, b)
  expect(guardAllows(b, a)).toEqual(forward)
  return forward.ok ? 'ok' : forward.reason
}

describe('the direction rule: the same relation the other way round is another question', () => {
  test.each([
    ['How do I convert a string to an integer in Java?', 'How do I convert an integer to a string in Java?'],
    ['Convert 100 Celsius to Fahrenheit.', 'Convert 100 Fahrenheit to Celsius.'],
    ['Convert 100 USD to EUR', 'Convert 100 EUR to USD'],
    ['Translate this sentence from English to French', 'Translate this sentence from French to English'],
    ['Convert a Python dict to JSON', 'Convert JSON into a Python dict'],
    ['How do I get from London to Paris by train?', 'How do I get from Paris to London by train?'],
    ['How do I migrate from Python 2 to Python 3?', 'How do I migrate from Python 3 to Python 2?'],
    ['Convert to Fahrenheit from Celsius', 'Convert Fahrenheit to Celsius'],
    ['string -> int in Rust', 'int -> string in Rust'],
    ['string → int in Rust', 'int → string in Rust'],
    ['Convert a string-to-int map', 'Convert an int-to-string map'],
  ])('rejects %p / %p', (a, b) => {
    expect(verdict(a, b)).toBe('direction')
  })

  test.each([
    ['Java中怎么把字符串转换成整数？', 'Java中怎么把整数转换成字符串？'],
    ['摄氏度转华氏度的公式', '华氏度转摄氏度的公式'],
    ['100摄氏度转换为华氏度是多少', '100华氏度转换为摄氏度是多少'],
    ['从北京到上海坐高铁要多久？', '从上海到北京坐高铁要多久？'],
    ['把这段话从英文翻译成中文', '把这段话从中文翻译成英文'],
    ['把英文翻译成中文', '把中文翻译成英文'],
    ['一英里等于多少公里？', '一公里等于多少英里？'],
    ['怎么把string转成int', '怎么把int转成string'],
  ])('rejects the Chinese forms %p / %p', (a, b) => {
    expect(verdict(a, b)).toBe('direction')
  })

  test.each([
    // The same direction, worded differently.
    ['How do I convert a string to an integer in Java?', 'How do I turn a string into an integer in Java?'],
    ['How do I convert a string to an integer in Java?', 'String to integer conversion in Java'],
    ['Convert Fahrenheit to Celsius', 'Convert to Celsius from Fahrenheit'],
    ['Import data from Excel to Python', 'Import data into Python from Excel'],
    ['Java中怎么把字符串转换成整数？', 'Java里字符串怎么转成整数？'],
    ['Java中怎么把字符串转换成整数？', 'Java字符串转整数'],
    // The other question has no relation: nothing to compare.
    ['Convert 100 Fahrenheit to Celsius.', 'What is 100 Fahrenheit in Celsius?'],
    ['What is the distance from the Earth to the Moon?', 'How far is the Moon from the Earth?'],
    ['从北京到上海怎么走？', '北京到上海怎么走？'],
    ['帮我把“早上好”翻译成英文', '“早上好”用英语怎么说？'],
    // Comparisons ask the same in either order.
    ['let vs const in JavaScript', 'const vs let in JavaScript'],
    ['Python or Java for beginners?', 'Java or Python for beginners?'],
    // Both ways round on both sides.
    ['Convert Celsius to Fahrenheit and Fahrenheit to Celsius', 'Convert Fahrenheit to Celsius and Celsius to Fahrenheit'],
  ])('lets %p / %p through', (a, b) => {
    expect(verdict(a, b)).toBe('ok')
  })

  test('"to" without a thing on both sides is no relation', () => {
    expect(relations('Explain Kubernetes to me')).toEqual([])
    expect(relations('What is the best way to learn?')).toEqual([])
    expect(relations('How to reverse a list')).toEqual([])
    expect(relations('Things not to do in Paris')).toEqual([])
    expect(relations('Translate "good morning" into Spanish')).toEqual([])
    expect(relations('把“你好”翻译成日语')).toEqual([])
  })

  test('what both sides share is dropped, so "Python 2 to Python 3" is 2 → 3', () => {
    expect(relations('Migrate Python 2 to Python 3')).toEqual([{ from: ['2', 'migrat'], to: ['3'] }])
  })

  test('symmetric on hand-made relations, and silent when either side has none', () => {
    const forward = [{ from: ['str'], to: ['integ'] }]
    const back = [{ from: ['integ'], to: ['str'] }]
    expect(reversedRelations(forward, back)).toBe(true)
    expect(reversedRelations(back, forward)).toBe(true)
    expect(reversedRelations(forward, [])).toBe(false)
    expect(reversedRelations([...forward, ...back], back)).toBe(false)
  })

  test('many relations in a long text stay fast', () => {
    const long = 'Convert string to integer, then integer to string, then celsius to kelvin. '.repeat(50)
    const start = performance.now()
    guardAllows(long, long.replaceAll('celsius to kelvin', 'kelvin to celsius'))
    expect(performance.now() - start).toBeLessThan(200)
  })
})
