// The entity rule's side of a question: the words it is about. Names and topic words must be found in the
// other question; common words (words.ts) are what a paraphrase may add, drop or swap, so they are not.
// Words are compared by key (case, accents, possessive and plural folded) or, more roughly, by stem.

import { stripMarks } from './fold'
import { NUMBER_WORDS } from './numbers'
import { ALIASES, COMMON_WORDS, STOPWORDS } from './words'

// Latin words, with their inner joiners: gpt-4o, node.js, c++, c#, don't, snake_case.
const TOKEN = /[A-Za-z0-9\u00C0-\u024F]+(?:['._+#-][A-Za-z0-9\u00C0-\u024F]+)*[+#]*/g
const SENTENCE_END = new Set('.!?:;\n。！？：；…')
// Opening quotes, brackets and list markers between a sentence end and its first word.
const LEAD_IN = new Set(' \t\r\n"\'“”‘’«»()[]{}*_>#-')

export interface Token {
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
export interface Entity {
  key: string
  parts?: string[]
}

export function tokenize(text: string): Token[] {
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
export function stemOf(key: string): string {
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

/** A plain word's key, stem and commonness; the direction rule reads words the same way. */
export function plainWord(raw: string): WordInfo {
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

export function entityKeys(tokens: Token[]) {
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
