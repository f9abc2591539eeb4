// The cheap guard of the semantic cache. It runs after an embedding said two user questions are near, and
// vetoes the near misses embeddings are known to score high: the same template with one detail changed.
// "Capital of France" and "capital of Germany", "2 eggs" and "3 eggs", "is it safe" and "is it not safe" sit
// at a cosine a paraphrase could have, yet their answers differ. A veto only costs one upstream call; a
// wrong hit serves a wrong answer, so every rule leans to rejecting when unsure.
//
// Four rules, in this order (the first that fires names the reason):
//   number    the numbers of the two questions differ (digits, number words, ordinals, Chinese numerals)
//   negation  one question is negated and the other is not
//   entity    a named entity or topic word of either question is missing from the other
//   direction one question relates X to Y and the other Y to X ("string to integer" / "integer to string")
// Each has its file here: numbers.ts, negation.ts, entities.ts (quotes.ts for quoted titles and phrases,
// places.ts for Chinese place names), direction.ts.
//
// Known limits, by design of a model-free check:
// - Chinese (and other unspaced CJK) text cannot be split into words without a dictionary, so the entity
//   rule sees only its Latin tokens ("用Python" vs "用Java"), quoted titles (《哈姆雷特》, “你好”) and the
//   place names of a gazetteer (法国 vs 德国, 北京 vs 上海; Simplified Chinese only). Other Chinese names
//   pass the guard (苹果公司 vs 微软公司, 日语 vs 韩语); only the similarity threshold stands between them.
//   Numbers and negation work on Chinese as on English.
// - Swapped roles are caught only where a link word marks them ("X to Y", "from X to Y", 把X转成Y, 从X到Y);
//   "2 to the power of 10" vs "10 to the power of 2" and "is Rome older than Athens" vs "is Athens older
//   than Rome" pass, and a symmetric relation asked both ways round ("distance from Paris to London" vs
//   "from London to Paris") is rejected. Verbs kept in the common-word list ("read" is not, "write" is)
//   pass; so do antonyms when both poles are common.
// - Synonyms outside the common-word list ("delete" vs "remove", "population" vs "how many people live")
//   turn a real paraphrase into a miss, the cheap side of the trade-off. So does "first" in the sense of
//   "to begin with" ("which language should I learn first"): it always counts as the ordinal 1.
// - Acronyms spelled like function words (US, IT) are read as the function word.

import { type Relation, relations, reversedRelations } from './direction'
import { type Entity, entityKeys, stemOf, tokenize } from './entities'
import { fold } from './fold'
import { isNegated } from './negation'
import { extractNumbers, type NumberBag, sameNumbers } from './numbers'
import { placeNames } from './places'
import { extractQuotes, quoteFound } from './quotes'

export type GuardReason = 'number' | 'entity' | 'negation' | 'direction'
export type GuardVerdict = { ok: true } | { ok: false; reason: GuardReason }

const OK: GuardVerdict = Object.freeze({ ok: true })

export function guardAllows(query: string, cached: string): GuardVerdict {
  if (query === cached) return OK
  const a = analyse(query)
  const b = analyse(cached)
  if (!sameNumbers(a.numbers, b.numbers)) return { ok: false, reason: 'number' }
  if (a.negated !== b.negated) return { ok: false, reason: 'negation' }
  if (!covers(a, b) || !covers(b, a)) return { ok: false, reason: 'entity' }
  if (reversedRelations(a.relations, b.relations)) return { ok: false, reason: 'direction' }
  return OK
}

interface Analysis {
  numbers: NumberBag
  negated: boolean
  /** What a question needs to find in the other one. */
  entities: Entity[]
  /** Every token's key, its stem, and the joins of neighbouring tokens ("real time" → "realtime"). */
  keys: Set<string>
  stems: Set<string>
  quotes: string[]
  relations: Relation[]
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
  // A Chinese place name is an entity like a Latin name; its key cannot collide with one (no Latin letters).
  for (const place of placeNames(t)) {
    entities.push({ key: place })
    keys.add(place)
  }
  return {
    numbers: extractNumbers(plain),
    negated: isNegated(plain),
    entities,
    keys,
    stems,
    quotes,
    relations: relations(plain),
    folded: fold(plain),
  }
}

function covers(mine: Analysis, theirs: Analysis): boolean {
  const has = (key: string) => theirs.keys.has(key) || theirs.stems.has(stemOf(key))
  for (const e of mine.entities) {
    if (!has(e.key) && !(e.parts && e.parts.every(has))) return false
  }
  for (const q of mine.quotes) {
    if (!quoteFound(q, theirs.folded)) return false
  }
  return true
}
