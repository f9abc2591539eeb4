// Quoted titles and phrases, the part of the entity rule that ordinary words are not enough for.
// Quoted text is the object of translation and proofreading requests ("translate 'good morning'"), where
// ordinary words carry the whole difference. It must appear in the other question, quoted or not.

import { fold } from './fold'

const QUOTED = [/"([^"\n]+)"/g, /“([^”]+)”/g, /「([^」]+)」/g, /『([^』]+)』/g, /《([^》]+)》/g, /`([^`]+)`/g, /(?<![\w])'([^'\n]+?)'(?![\w])/g]

export function extractQuotes(text: string): string[] {
  const out: string[] = []
  for (const pattern of QUOTED) {
    for (const m of text.matchAll(pattern)) {
      const q = fold(m[1]!).trim()
      if (q) out.push(q)
    }
  }
  return out
}

/** Whether a quoted phrase occurs in the other question's folded text. */
export function quoteFound(quote: string, folded: string): boolean {
  // Unspaced CJK has no word edges to pad, and folding leaves spaces where its punctuation was: drop them.
  return /[\u3000-\u9fff]/.test(quote)
    ? folded.replace(/\s+/g, '').includes(quote.replace(/\s+/g, ''))
    : folded.includes(` ${quote} `)
}
