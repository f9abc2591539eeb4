// The direction rule of the guard: "convert a string to an integer" and "convert an integer to a string"
// have the same words, numbers and polarity, so the other rules pass them and embeddings score them as twins,
// yet they ask opposite things. So do "100 Celsius to Fahrenheit" / "100 Fahrenheit to Celsius" and
// 从北京到上海 / 从上海到北京. The rule reads ordered relations, source → target, and rejects a pair where one
// question has X → Y and the other Y → X.
//
// Read: "X to Y", "X into Y", "from X to Y", "to Y from X", "X -> Y", "X → Y", "X => Y"; in Chinese
// 把X转换成Y (转成, 转为, 换算成, 翻译成, 改成, 换成, 变成), X转Y, 从X到Y, X等于多少Y. X and Y are the words next to the
// link: up to three on each side, articles and determiners skipped, common words passed over, compared by
// stem as the entity rule does; in Chinese, the run of characters up to a particle, compared by containment
// (Chinese has no spaces to cut a phrase at, and a longer run holding the other is the same name plus noise).
//
// Not read, on purpose: "X vs Y", "X or Y", "between X and Y", which ask the same question in either order.
// A question without a relation, or with the relation both ways round, never rejects: a paraphrase that words
// the direction differently ("parse a string into an int", "What is 100 °F in Celsius?") still passes.

import { plainWord } from './entities'
import { STOPWORDS } from './words'

/** Source and target of one relation: stems of words, digits, or Chinese phrases. */
export interface Relation {
  from: string[]
  to: string[]
}

// Words, the arrows, or any other single character (punctuation, Han), which ends a phrase. Hyphens do not
// join here but are passed over: "string-to-int" is three words.
const PIECE = /[A-Za-z0-9\u00C0-\u024F]+(?:['._+#][A-Za-z0-9\u00C0-\u024F]+)*[+#]*|->|=>|[→⇒⟶]|\S/g
const HAS_EN_LINK = /\b(?:to|into)\b|->|=>|[→⇒⟶]/i
const LINKS = new Set(['to', 'into', '->', '=>', '→', '⇒', '⟶'])
// Skipped inside a phrase: "a string", "my file", "this list" name the same thing as "string", "file", "list".
const DETERMINERS = new Set('a an the my your his her its our their this that these those some any each every'.split(' '))
const PHRASE_WORDS = 3

const HAN = /\p{Script=Han}/u
const ZH_LINK = /(?:转换|转化|换算|翻译|转)(?:成|为)?|(?:换|译|改|变)(?:成|为)|(?:等于|是)多少|到/gu
const ZH_PHRASE_CHAR = /[\p{Script=Han}A-Za-z0-9_.+#]/u
// Particles and function characters that end a Chinese phrase; 从 also marks where 从X到Y starts.
const ZH_BOUNDARY = new Set('的吗呢吧啊了把将从到和与及或怎么如何请帮用在是')
const ZH_PHRASE_CHARS = 8

export function relations(text: string): Relation[] {
  const out: Relation[] = []
  if (HAS_EN_LINK.test(text)) englishRelations(text, out)
  if (HAN.test(text)) chineseRelations(text, out)
  return out
}

function englishRelations(text: string, out: Relation[]) {
  const pieces = text.match(PIECE) ?? []
  for (let i = 0; i < pieces.length; i++) {
    if (!LINKS.has(pieces[i]!.toLowerCase())) continue
    const source = phrase(pieces, i - 1, -1)
    const target = phrase(pieces, i + 1, 1)
    add(out, source.items, target.items)
    // "to Celsius from Fahrenheit" is "Fahrenheit to Celsius".
    if (pieces[target.end]?.toLowerCase() === 'from') add(out, phrase(pieces, target.end + 1, 1).items, target.items)
  }
}

/** The words of the phrase that starts at `start` and runs in `step`'s direction; `end` is where it stopped. */
function phrase(pieces: string[], start: number, step: 1 | -1): { items: string[]; end: number } {
  const items: string[] = []
  let words = 0
  let i = start
  for (; i >= 0 && i < pieces.length && words < PHRASE_WORDS; i += step) {
    const raw = pieces[i]!
    if (raw === '-') continue
    if (!/^[A-Za-z0-9\u00C0-\u024F]/.test(raw)) break
    const lower = raw.toLowerCase()
    if (DETERMINERS.has(lower)) continue
    if (/\d/.test(raw)) items.push(lower)
    else {
      const info = plainWord(raw)
      if (STOPWORDS.has(info.key)) break
      if (!info.common) items.push(info.stem)
    }
    words++
  }
  return { items, end: i }
}

function chineseRelations(text: string, out: Relation[]) {
  for (const m of text.matchAll(ZH_LINK)) {
    const before = zhPhrase(text, m.index - 1, -1)
    if (m[0] === '到' && text.charAt(before.end) !== '从') continue
    const after = zhPhrase(text, m.index + m[0].length, 1)
    add(out, before.item ? [before.item] : [], after.item ? [after.item] : [])
  }
}

function zhPhrase(text: string, start: number, step: 1 | -1): { item: string; end: number } {
  let i = start
  while (i >= 0 && i < text.length && /\s/.test(text.charAt(i))) i += step
  const first = i
  for (let n = 0; n < ZH_PHRASE_CHARS && i >= 0 && i < text.length; n++, i += step) {
    const c = text.charAt(i)
    if (!ZH_PHRASE_CHAR.test(c) || ZH_BOUNDARY.has(c)) break
  }
  const span = step === 1 ? text.slice(first, i) : text.slice(i + 1, first + 1)
  // Latin inside Chinese ("string转int") is read like the English words it is.
  const item = /^[A-Za-z]+$/.test(span) ? plainWord(span).stem : span.toLowerCase()
  return { item, end: i }
}

function add(out: Relation[], from: string[], to: string[]) {
  // What both sides share says nothing about direction: "Python 2 to Python 3" is 2 → 3.
  const source = from.filter((x) => !to.some((y) => sameItem(x, y)))
  const target = to.filter((y) => !from.some((x) => sameItem(x, y)))
  if (source.length > 0 && target.length > 0) out.push({ from: source, to: target })
}

function sameItem(x: string, y: string): boolean {
  if (x === y) return true
  return x.length >= 2 && y.length >= 2 && HAN.test(x) && HAN.test(y) && (x.includes(y) || y.includes(x))
}

const meets = (xs: string[], ys: string[]) => xs.some((x) => ys.some((y) => sameItem(x, y)))
const alike = (r: Relation, s: Relation) => meets(r.from, s.from) && meets(r.to, s.to)
const flipped = (r: Relation, s: Relation) => meets(r.from, s.to) && meets(r.to, s.from)

/**
 * Whether one question has a relation whose reverse is in the other, and neither has that relation the
 * other way round too. Symmetric: swapping the questions swaps r and s.
 */
export function reversedRelations(a: Relation[], b: Relation[]): boolean {
  if (a.length === 0 || b.length === 0) return false
  // Computed once, not inside the pair loop: a long text can hold hundreds of relations.
  const onlyA = a.filter((r) => !b.some((x) => alike(r, x)))
  const onlyB = b.filter((s) => !a.some((x) => alike(x, s)))
  return onlyA.some((r) => onlyB.some((s) => flipped(r, s)))
}
