// The number rule of the guard: two questions must ask about the same numbers, however they are written.
// Digits, English number words, ordinals and Chinese numerals all end up as the same canonical keys, so
// "twenty-five" meets "25" and 三个 meets "3", while "2" and "3", or "2" and "2nd", stay apart.

/** Number key → how many times it occurs; see sameNumbers for what "soft" means. */
export type NumberBag = Map<string, { hard: number; soft: number }>

// "One" is both a number and the pronoun/article of everyday speech ("which one is better", "name one
// benefit" = "name a benefit"), and Chinese 一个 is mostly "a". Such a 1 is *soft*: it may match a 1 or
// nothing, while any other number, or a 1 written "1", "one hundred", "first", must be matched exactly.
// The price: "one plus one" vs "one plus one plus one" passes; arithmetic is asked in digits far more often.
export function sameNumbers(a: NumberBag, b: NumberBag): boolean {
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? { hard: 0, soft: 0 }
    const y = b.get(key) ?? { hard: 0, soft: 0 }
    if (key === '1') {
      if (x.hard > y.hard + y.soft || y.hard > x.hard + x.soft) return false
    } else if (x.hard !== y.hard) return false
  }
  return true
}

function addNumber(bag: NumberBag, key: string, soft = false) {
  const entry = bag.get(key) ?? { hard: 0, soft: 0 }
  if (soft) entry.soft++
  else entry.hard++
  bag.set(key, entry)
}

// Maps, not object literals: `'constructor' in {}` is true, and "constructor" is a word of coding questions.
const table = (entries: Record<string, number>) => new Map(Object.entries(entries))
const UNITS = table({
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19,
})
const TENS = table({ twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 })
const SCALES = table({ thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 })
const ORDINALS = table({
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30, fortieth: 40, fiftieth: 50, sixtieth: 60,
  seventieth: 70, eightieth: 80, ninetieth: 90, hundredth: 100, thousandth: 1000, millionth: 1e6,
})
// Words that are numbers on their own, so "twice" matches "two times" and "half" differs from "a quarter".
const LONE = table({ twice: 2, half: 0.5, quarter: 0.25 })
// The number rule owns these; as entities they would reject "ninetieth" vs "90th" a second time, or wrongly.
export const NUMBER_WORDS: ReadonlySet<string> = new Set([
  'hundred',
  'dozen',
  ...[UNITS, TENS, SCALES, ORDINALS, LONE].flatMap((t) => [...t.keys()]),
])

// Ordinals get their own keys: "the 2 largest" and "the 2nd largest" are different questions.
const ordinalKey = (n: number) => `#${canon(n)}`

function canon(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)))
}

/** Digits as typed, canonical: "1,000" = "1000", "007" = "7"; "3.10" stays apart from "3.1" (versions). */
function digitKeys(raw: string): { key: string; value: number | undefined }[] {
  if (raw.includes(',')) {
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(raw)) raw = raw.replace(/,/g, '')
    else return raw.split(',').flatMap((part) => (part ? digitKeys(part) : []))
  }
  const parts = raw.split('.').map((p, i) => (i === 0 ? p.replace(/^0+(?=\d)/, '') : p))
  if (parts.length > 2) return [{ key: parts.map((p) => p.replace(/^0+(?=\d)/, '')).join('.'), value: undefined }]
  const key = parts.join('.')
  return [{ key, value: Number(key) }]
}

// Chinese words that contain numeral characters without being numbers: fillers a paraphrase adds or drops
// (一下 "a bit", 一些 "some", 十分 "very"), idioms, brands and units whose 千 is a prefix (千克 = kg).
const ZH_NOT_NUMBERS = new RegExp(
  [
    '一下', '一些', '一点', '一起', '一样', '一般', '一直', '一定', '一切', '一致', '一旦', '一边', '一向',
    '一会', '统一', '唯一', '万一', '一律', '一共', '一再', '一番', '一时', '一同', '一方面', '一开始',
    '不一', '一流', '万能', '万物', '百度', '百科', '百姓', '一生', '一辈子', '一路', '一口气', '一体',
    '一味', '一贯', '一心', '千方百计', '乱七八糟', '七上八下', '一五一十', '三明治', '二手', '八卦',
    '两者', '千克', '千米', '千瓦', '千字节', '万分', '千万(?=[别不要记注小])', '十分(?![钟之])',
  ].join('|'),
  'g'
)
const ZH_DIGITS = table({ 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 })
const ZH_SMALL_UNITS = table({ 十: 10, 百: 100, 千: 1000 })
const ZH_NUMERAL = '[零〇一二三四五六七八九十百千万亿两]'
const ZH_PERCENT = new RegExp(`百分之(${ZH_NUMERAL}+|\\d+(?:\\.\\d+)?)`, 'g')
const ZH_ORDINAL = new RegExp(`第\\s*(${ZH_NUMERAL}+|\\d+)`, 'g')
const ZH_RUN = new RegExp(`${ZH_NUMERAL}+`, 'g')
const ZH_SCALED_DIGITS = /(\d+(?:\.\d+)?)\s*([万亿千百])/g
const ZH_SCALE = table({ 万: 1e4, 亿: 1e8, 千: 1e3, 百: 1e2 })
// After these, 一 is the article "a" (一个函数 = "a function"), so it is a soft 1.
const ZH_MEASURE = new Set(
  '个种只条张篇段首封本件位句份道台部次遍下点些项组套串行幅把名家座款门支场顿口块天年月周晚夜分小秒'
)

function parseZhNumeral(run: string): number {
  // Digit-by-digit spelling without units: 二〇二四 = 2024.
  if (run.length > 1 && !/[十百千万亿]/.test(run)) return Number([...run].map((c) => ZH_DIGITS.get(c)).join(''))
  let total = 0
  let section = 0
  let current = 0
  for (const c of run) {
    const digit = ZH_DIGITS.get(c)
    const unit = ZH_SMALL_UNITS.get(c)
    if (digit !== undefined) current = digit
    else if (unit !== undefined) {
      section += (current || 1) * unit
      current = 0
    } else if (c === '万') {
      total += (section + current || 1) * 1e4
      section = current = 0
    } else if (c === '亿') {
      total = (total + section + current || 1) * 1e8
      section = current = 0
    }
  }
  return total + section + current
}

const blank = (m: string) => ' '.repeat(m.length)

export function extractNumbers(text: string): NumberBag {
  const bag: NumberBag = new Map()
  let s = text
  if (/[\u3400-\u9fff]/.test(s)) {
    s = s.replace(ZH_NOT_NUMBERS, blank)
    s = s.replace(ZH_PERCENT, (m, n: string) => {
      addNumber(bag, /\d/.test(n) ? digitKeys(n)[0]!.key : canon(parseZhNumeral(n)))
      return blank(m)
    })
    s = s.replace(ZH_ORDINAL, (m, n: string) => {
      addNumber(bag, ordinalKey(/\d/.test(n) ? Number(n) : parseZhNumeral(n)))
      return blank(m)
    })
    s = s.replace(ZH_SCALED_DIGITS, (m, n: string, unit: string) => {
      addNumber(bag, canon(Number(n) * ZH_SCALE.get(unit)!))
      return blank(m)
    })
    const before = s
    s = s.replace(ZH_RUN, (m: string, offset: number) => {
      const soft = m === '一' && ZH_MEASURE.has(before.charAt(offset + 1))
      addNumber(bag, canon(parseZhNumeral(m)), soft)
      return blank(m)
    })
  }
  englishNumbers(s, bag)
  return bag
}

/** A small state machine over digits and number words: "two hundred and five", "1.5 million", "a dozen". */
function englishNumbers(s: string, bag: NumberBag) {
  let active = false
  let total = 0
  let current = 0
  type Part = 'unit' | 'tens' | 'hundred' | 'scale' | 'and' | 'digit'
  // Asserted, not annotated: `start` changes it behind the compiler's back, so it must not narrow.
  let last = 'unit' as Part
  let soleOne = false
  let typed: string | undefined // the canonical digits, while no scale word has multiplied them

  const flush = () => {
    if (!active) return
    if (typed !== undefined) addNumber(bag, typed)
    else addNumber(bag, canon(total + current), soleOne)
    active = false
  }
  const start = (value: number, kind: Part) => {
    flush()
    active = true
    total = 0
    current = value
    last = kind
    soleOne = false
    typed = undefined
  }

  const tokens = [...s.matchAll(/(\d+(?:[.,]\d+)*)|([A-Za-z]+)/g)]
  let prevEnd = 0
  for (let i = 0; i < tokens.length; i++) {
    const m = tokens[i]!
    const at = m.index!
    // Anything but spaces and hyphens between two tokens ends a number: "one, two" and "1 + 1" are two.
    if (!/^[\s-]*$/.test(s.slice(prevEnd, at))) flush()
    prevEnd = at + m[0].length
    const next = tokens[i + 1]
    const glued = next !== undefined && next.index === prevEnd && next[2] !== undefined ? next[2].toLowerCase() : ''

    if (m[1] !== undefined) {
      flush()
      const negative = /[-−]/.test(s.charAt(at - 1)) && (at < 2 || /[\s([=:,;]/.test(s.charAt(at - 2)))
      const keys = digitKeys(m[1])
      const only = keys.length === 1 ? keys[0]! : undefined
      if (only && /^(st|nd|rd|th)$/.test(glued) && Number.isInteger(only.value)) {
        addNumber(bag, ordinalKey(only.value!))
        i++
        prevEnd = tokens[i]!.index! + tokens[i]![0].length
      } else if (only && glued === 'k' && only.value !== undefined) {
        addNumber(bag, canon(only.value * 1000))
        i++
        prevEnd = tokens[i]!.index! + tokens[i]![0].length
      } else if (only && only.value !== undefined && !negative) {
        start(only.value, 'digit')
        typed = only.key
      } else {
        for (const k of keys) addNumber(bag, negative && k.value !== undefined ? `-${k.key}` : k.key)
      }
      continue
    }

    const w = m[2]!.toLowerCase()
    const unit = UNITS.get(w)
    const tens = TENS.get(w)
    const scale = SCALES.get(w)
    const ordinal = ORDINALS.get(w)
    const lone = LONE.get(w)
    if (unit !== undefined) {
      const v = unit
      if (active && ((last === 'tens' && v < 10) || last === 'hundred' || last === 'scale' || last === 'and')) {
        current += v
        last = 'unit'
      } else {
        start(v, 'unit')
        soleOne = w === 'one'
      }
    } else if (tens !== undefined) {
      if (active && (last === 'hundred' || last === 'scale' || last === 'and')) current += tens
      else start(tens, 'tens')
      last = 'tens'
    } else if (w === 'hundred') {
      if (active && last !== 'hundred' && last !== 'and') current = (current || 1) * 100
      else start(100, 'hundred')
      last = 'hundred'
      soleOne = false
      typed = undefined
    } else if (scale !== undefined) {
      if (active && last !== 'scale' && last !== 'and') {
        total += (current || 1) * scale
        current = 0
      } else {
        start(0, 'scale')
        total = scale
      }
      last = 'scale'
      soleOne = false
      typed = undefined
    } else if (w === 'dozen') {
      if (active && (last === 'unit' || last === 'digit')) current *= 12
      else start(12, 'unit')
      last = 'unit'
      soleOne = false
      typed = undefined
    } else if (w === 'and' && active && (last === 'hundred' || last === 'scale')) {
      last = 'and'
    } else if (ordinal !== undefined) {
      const v = ordinal
      let value = v
      const joins = last === 'tens' || last === 'hundred' || last === 'scale' || last === 'and'
      if (active && v >= 100 && last !== 'scale' && last !== 'and') value = (total + (current || 1)) * v // one hundredth
      else if (active && v < 100 && joins) value = total + current + v // twenty-first
      else flush()
      active = false
      addNumber(bag, ordinalKey(value))
    } else if (lone !== undefined) {
      flush()
      addNumber(bag, canon(lone))
    } else {
      flush()
    }
  }
  flush()
}
