// The cheap guard of the semantic cache. It runs after an embedding said two user questions are near, and
// vetoes the near misses embeddings are known to score high: the same template with one detail changed.
// "Capital of France" and "capital of Germany", "2 eggs" and "3 eggs", "is it safe" and "is it not safe" sit
// at a cosine a paraphrase could have, yet their answers differ. A veto only costs one upstream call; a
// wrong hit serves a wrong answer, so every rule leans to rejecting when unsure.
//
// Three rules, in this order (the first that fires names the reason):
//   number   the numbers of the two questions differ (digits, number words, ordinals, Chinese numerals)
//   negation one question is negated and the other is not
//   entity   a named entity or topic word of either question is missing from the other
//
// Known limits, by design of a model-free check:
// - Chinese (and other unspaced CJK) text cannot be split into words without a dictionary, so the entity
//   rule sees only its Latin tokens ("用Python" vs "用Java") and quoted titles (《哈姆雷特》, “你好”).
//   法国 vs 德国 passes the guard; only the similarity threshold stands between them. Numbers and negation
//   work on Chinese as on English.
// - Swapped roles with the same words ("string to integer" vs "integer to string") and verbs kept in the
//   common-word list ("read" is not, "write" is) pass; so do antonyms when both poles are common.
// - Synonyms outside the common-word list ("delete" vs "remove", "population" vs "how many people live")
//   turn a real paraphrase into a miss, the cheap side of the trade-off. So does "first" in the sense of
//   "to begin with" ("which language should I learn first"): it always counts as the ordinal 1.
// - Acronyms spelled like function words (US, IT) are read as the function word.

import { ALIASES, COMMON_WORDS, STOPWORDS } from './guard-words'

export type GuardReason = 'number' | 'entity' | 'negation'
export type GuardVerdict = { ok: true } | { ok: false; reason: GuardReason }

const OK: GuardVerdict = Object.freeze({ ok: true })

export function guardAllows(query: string, cached: string): GuardVerdict {
  if (query === cached) return OK
  const a = analyse(query)
  const b = analyse(cached)
  if (!sameNumbers(a.numbers, b.numbers)) return { ok: false, reason: 'number' }
  if (a.negated !== b.negated) return { ok: false, reason: 'negation' }
  if (!covers(a, b) || !covers(b, a)) return { ok: false, reason: 'entity' }
  return OK
}

interface Analysis {
  /** number key → how many times it occurs; see sameNumbers for what "soft" means. */
  numbers: Map<string, { hard: number; soft: number }>
  negated: boolean
  /** What a question needs to find in the other one. */
  entities: Entity[]
  /** Every token's key, its stem, and the joins of neighbouring tokens ("real time" → "realtime"). */
  keys: Set<string>
  stems: Set<string>
  quotes: string[]
  /** Lower-cased text with punctuation folded to single spaces, padded, for finding quoted phrases. */
  folded: string
}

function analyse(text: string): Analysis {
  // NFKC turns full-width digits, letters and punctuation ("１２３", "？") into ASCII.
  const t = text.normalize('NFKC')
  const quotes = extractQuotes(t)
  const plain = t.replace(/[‘’ʼ]/g, "'")
  const words = tokenize(plain)
  const { entities, keys, stems } = entityKeys(words)
  return {
    numbers: extractNumbers(plain),
    negated: isNegated(plain),
    entities,
    keys,
    stems,
    quotes,
    folded: fold(plain),
  }
}

// ─── numbers ──────────────────────────────────────────────────────────────────────────────────────────────

// "One" is both a number and the pronoun/article of everyday speech ("which one is better", "name one
// benefit" = "name a benefit"), and Chinese 一个 is mostly "a". Such a 1 is *soft*: it may match a 1 or
// nothing, while any other number, or a 1 written "1", "one hundred", "first", must be matched exactly.
// The price: "one plus one" vs "one plus one plus one" passes; arithmetic is asked in digits far more often.
function sameNumbers(a: Analysis['numbers'], b: Analysis['numbers']): boolean {
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? { hard: 0, soft: 0 }
    const y = b.get(key) ?? { hard: 0, soft: 0 }
    if (key === '1') {
      if (x.hard > y.hard + y.soft || y.hard > x.hard + x.soft) return false
    } else if (x.hard !== y.hard) return false
  }
  return true
}

type NumberBag = Analysis['numbers']

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
const NUMBER_WORDS = new Set(['hundred', 'dozen', ...[UNITS, TENS, SCALES, ORDINALS, LONE].flatMap((t) => [...t.keys()])])

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

function extractNumbers(text: string): NumberBag {
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

// ─── negation ─────────────────────────────────────────────────────────────────────────────────────────────

// Presence, not parity: paraphrases add negated side clauses ("it never prints") far more often than
// people ask doubly negated questions, and parity would reject the former.
const EN_NEGATORS = new Set(
  ('not no never none nobody nothing nowhere neither nor without cannot unable ' +
    // typed without the apostrophe, as chat users do
    'dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont hasnt havent hadnt mustnt neednt aint').split(' ')
)
// Negations that do not negate the question: hedges about the asker, "or not" tails of yes/no questions,
// "not only", "No. 5".
const EN_NOT_NEGATIONS = new RegExp(
  [
    "\\b(?:i(?:'m| am) not sure|not sure|i (?:do not|don't|dont) (?:know|understand)|(?:i have )?no idea",
    'whether or not|or not|not only|no matter|no doubt|never mind)\\b',
    '\\bno\\.?(?=\\s*\\d)',
  ].join('|'),
  'g'
)

const ZH_NOT_NEGATIONS = new RegExp(
  [
    '不过', '不错', '不仅', '不但', '不同', '不一样', '不断', '不少', '不久', '不管', '不论', '不如', '不然',
    '不得不', '差不多', '对不起', '了不起', '不客气', '不好意思', '不妨', '不禁', '不免', '不止', '不只',
    '我?不太?(?:知道|懂|明白|清楚)', '我不会',
    '别人', '别的', '区别', '分别', '类别', '性别', '特别', '级别', '识别', '告别', '辨别', '差别', '个别',
    '别名', '别称', '派别', '鉴别', '离别', '判别', '甄别', '别墅',
    '无论', '无聊', '无数', '无人机', '无非', '非常', '是非', '非洲', '除非', '莫非', '未来',
    '莫斯科', '莫名', '莫过于', '莫扎特', '没收', '沉没', '淹没', '埋没', '出没', '吞没',
  ].join('|'),
  'g'
)

function isNegated(text: string): boolean {
  const lower = text.toLowerCase().replace(EN_NOT_NEGATIONS, ' ')
  for (const m of lower.matchAll(/[a-z]+(?:'[a-z]+)?/g)) {
    if (EN_NEGATORS.has(m[0]) || m[0].endsWith("n't")) return true
  }
  if (/[\u3400-\u9fff]/.test(text)) {
    const zh = text
      // A-not-A questions (是不是, 有没有, 可不可以) ask yes/no, they negate nothing.
      .replace(/(\p{Script=Han})[不没]\1/gu, ' ')
      .replace(ZH_NOT_NEGATIONS, ' ')
    if (/[不没别无非未莫勿]/.test(zh)) return true
  }
  return false
}

// ─── entities ─────────────────────────────────────────────────────────────────────────────────────────────

// Latin words, with their inner joiners: gpt-4o, node.js, c++, c#, don't, snake_case.
const TOKEN = /[A-Za-z0-9\u00C0-\u024F]+(?:['._+#-][A-Za-z0-9\u00C0-\u024F]+)*[+#]*/g
const SENTENCE_END = new Set('.!?:;\n。！？：；…')
// Opening quotes, brackets and list markers between a sentence end and its first word.
const LEAD_IN = new Set(' \t\r\n"\'“”‘’«»()[]{}*_>#-')

interface Token {
  text: string
  /** The first word of a sentence is capitalised by grammar, not because it names something. */
  initial: boolean
  /** For the parts of a hyphenated word: the whole word's key, and whether this is its last part. */
  whole?: string
  last?: boolean
}

/**
 * An entity is found in the other question by its key; a hyphenated one ("Wi-Fi", "gluten-free") either
 * whole (wifi) or part by part (gluten ... free).
 */
interface Entity {
  key: string
  parts?: string[]
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(TOKEN)) {
    let i = m.index - 1
    while (i >= 0 && LEAD_IN.has(text.charAt(i))) i--
    const initial = i < 0 || SENTENCE_END.has(text.charAt(i))
    // A hyphen between plain words joins two words (real-time, twenty-five); with digits it is a name (gpt-4o).
    if (/-/.test(m[0]) && !/\d/.test(m[0])) {
      const parts = m[0].split('-')
      const whole = keyOf(parts.join(''))
      parts.forEach((part, i) => out.push({ text: part, initial: initial && i === 0, whole, last: i === parts.length - 1 }))
    } else out.push({ text: m[0], initial })
  }
  return out
}

const stripMarks = (s: string) => (/[^\x00-\x7f]/.test(s) ? s.normalize('NFD').replace(/\p{M}+/gu, '') : s)

/** Case-folded, accent-free, possessive and plural removed: "France's" = "france", "iPhones" = "iphone". */
function keyOf(word: string): string {
  let w = stripMarks(word.toLowerCase()).replace(/\./g, '')
  w = w.replace(/n't$/, '').replace(/'(s|re|ve|ll|d|m)$/, '').replace(/s'$/, 's').replace(/'/g, '')
  // "does" is not the plural of "doe".
  const key = COMMON_WORDS.has(w) ? w : singular(w)
  return ALIASES.get(w) ?? ALIASES.get(key) ?? key
}

function singular(w: string): string {
  if (w.length <= 3 || /[^a-z]/.test(w)) return w
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`
  if (/(ss|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) return w.slice(0, -1)
  return w
}

/** A rougher fold for matching only: "encrypted" and "encrypting" meet at "encrypt". */
function stemOf(key: string): string {
  if (key.length <= 4 || /[^a-z]/.test(key)) return key
  const m = /^(.{3,}?)(ing|ed|er|est|ly)$/.exec(key)
  let stem = m ? m[1]! : key
  if (m && /([^aeiouls])\1$/.test(stem)) stem = stem.slice(0, -1)
  return stem.replace(/e$/, '')
}

const SUFFIXES = ['ies', 'ied', 'ily', 'es', 'ed', 'ing', 'er', 'est', 'ly', 's', 'd']

function isCommon(key: string): boolean {
  if (COMMON_WORDS.has(key)) return true
  if (key.length < 4) return false
  for (const end of SUFFIXES) {
    if (!key.endsWith(end)) continue
    const base = key.slice(0, -end.length)
    if (base.length < 2) continue
    const candidates = end === 'ies' || end === 'ied' || end === 'ily' ? [`${base}y`] : [base, `${base}e`]
    if (/([^aeiou])\1$/.test(base)) candidates.push(base.slice(0, -1))
    // A function word is never the stem of a longer word: "butter" is not "but", "evening" not "even".
    if (candidates.some((c) => COMMON_WORDS.has(c) && !STOPWORDS.has(c))) return true
  }
  return false
}

interface WordInfo {
  key: string
  stem: string
  common: boolean
}

// Word folding is the bulk of the guard's time and the vocabulary of questions is small: remember it.
// Bounded, and cleared rather than evicted, because a full table only happens under unusual input.
const wordMemo = new Map<string, WordInfo>()

function plainWord(raw: string): WordInfo {
  let info = wordMemo.get(raw)
  if (!info) {
    const key = keyOf(raw)
    info = { key, stem: stemOf(key), common: isCommon(key) }
    if (wordMemo.size >= 20_000) wordMemo.clear()
    wordMemo.set(raw, info)
  }
  return info
}

function mixedWord(raw: string): WordInfo {
  const key = stripMarks(raw.toLowerCase()).replace(/[^a-z+#]/g, '')
  return { key, stem: stemOf(key), common: false }
}

function entityKeys(tokens: Token[]) {
  const entities: Entity[] = []
  const keys = new Set<string>()
  let parts: string[] = []
  const stems = new Set<string>()
  const letterWords = tokens.filter((t) => /[A-Za-z]{2,}/.test(t.text) && !/\d/.test(t.text))
  // A question typed in capitals makes every word look like an acronym; read it as lower case instead.
  const shouting =
    letterWords.length >= 3 && letterWords.filter((t) => t.text === t.text.toUpperCase()).length * 2 > letterWords.length

  let previous = ''
  for (const token of tokens) {
    const raw = token.text
    const hasDigit = /\d/.test(raw)
    const hasLetter = /[A-Za-z\u00C0-\u024F]/.test(raw)
    if (!hasLetter) {
      previous = ''
      continue
    }
    // Digits belong to the number rule; the letters of a mixed token (gpt-4o, iPhone15, x86) name the thing.
    const { key, stem, common } = hasDigit ? mixedWord(raw) : plainWord(raw)
    if (!key) continue
    keys.add(key)
    if (token.whole) keys.add(token.whole)
    stems.add(stem)
    if (previous) keys.add(previous + key)
    previous = key

    let entity: boolean
    if (hasDigit) {
      // "15th", "1990s", "5k", "3d": a suffix, not a name.
      entity = key.length >= 2 && !/^\d+(st|nd|rd|th|s)$/i.test(raw) && !STOPWORDS.has(key)
    } else {
      const letters = raw.replace(/[^A-Za-z\u00C0-\u024F]/g, '')
      const acronym = !shouting && letters.length >= 2 && letters === letters.toUpperCase()
      const innerCapital = !shouting && /\p{Ll}\p{Lu}/u.test(letters)
      const capitalised = !shouting && /^\p{Lu}/u.test(letters) && !token.initial
      if (NUMBER_WORDS.has(key)) entity = false
      else if (/[+#]$/.test(raw)) entity = true
      else if (acronym || innerCapital) entity = !STOPWORDS.has(key)
      // Mid-sentence capitals mark names even for common words (Eiffel *Tower*, *Go*, *Apple*), but the
      // other question only has to contain the word, in any case: "eiffel tower" still matches.
      else if (capitalised) entity = !STOPWORDS.has(key) && !(letters.length === 1 && /^[IA]$/.test(letters))
      else entity = key.length >= 2 && !common
    }
    if (!token.whole) {
      if (entity) entities.push({ key })
    } else {
      if (entity) parts.push(key)
      if (token.last) {
        if (parts.length > 0) entities.push({ key: token.whole, parts })
        parts = []
      }
    }
  }
  return { entities, keys, stems }
}

// Quoted text is the object of translation and proofreading requests ("translate 'good morning'"), where
// ordinary words carry the whole difference. It must appear in the other question, quoted or not.
const QUOTED = [/"([^"\n]+)"/g, /“([^”]+)”/g, /「([^」]+)」/g, /『([^』]+)』/g, /《([^》]+)》/g, /`([^`]+)`/g, /(?<![\w])'([^'\n]+?)'(?![\w])/g]

function extractQuotes(text: string): string[] {
  const out: string[] = []
  for (const pattern of QUOTED) {
    for (const m of text.matchAll(pattern)) {
      const q = fold(m[1]!).trim()
      if (q) out.push(q)
    }
  }
  return out
}

function fold(text: string): string {
  return ` ${stripMarks(text.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `
}

function covers(mine: Analysis, theirs: Analysis): boolean {
  const has = (key: string) => theirs.keys.has(key) || theirs.stems.has(stemOf(key))
  for (const e of mine.entities) {
    if (!has(e.key) && !(e.parts && e.parts.every(has))) return false
  }
  for (const q of mine.quotes) {
    const found = /[\u3000-\u9fff]/.test(q)
      ? theirs.folded.replace(/\s+/g, '').includes(q.replace(/\s+/g, ''))
      : theirs.folded.includes(` ${q} `)
    if (!found) return false
  }
  return true
}
