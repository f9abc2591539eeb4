// The labelled set of eval:cache (pairs.jsonl, described in README.md): its format, its checks and its loading.

import { join } from 'node:path'

const HERE = import.meta.dir
export const KINDS = ['paraphrase', 'number', 'entity', 'negation', 'related', 'unrelated'] as const
export const NEGATIVE_KINDS = ['number', 'entity', 'negation', 'related', 'unrelated'] as const
export type Kind = (typeof KINDS)[number]

export interface Pair {
  a: string
  b: string
  label: 'same' | 'different'
  kind: Kind
  lang: 'en' | 'zh'
}

/** The scripts of eval:cache give up with one line, never a stack trace. */
export function fail(message: string): never {
  console.error(`eval:cache: ${message}`)
  process.exit(1)
}

/** The pairs of a pairs.jsonl text; throws naming the first bad line. */
export function parsePairs(text: string): Pair[] {
  const pairs: Pair[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    let p: Pair
    try {
      p = JSON.parse(line)
    } catch {
      throw new Error(`pairs.jsonl line ${i + 1}: not JSON`)
    }
    const valid =
      typeof p.a === 'string' && p.a.trim() !== '' && typeof p.b === 'string' && p.b.trim() !== '' &&
      (p.label === 'same' || p.label === 'different') && KINDS.includes(p.kind) && (p.lang === 'en' || p.lang === 'zh') &&
      (p.label === 'same') === (p.kind === 'paraphrase')
    if (!valid) throw new Error(`pairs.jsonl line ${i + 1}: expected {a, b, label: same|different, kind, lang: en|zh}, paraphrase iff same`)
    pairs.push(p)
  })
  return pairs
}

export async function loadPairs(): Promise<Pair[]> {
  const text = await Bun.file(join(HERE, 'pairs.jsonl')).text()
  try {
    return parsePairs(text)
  } catch (error) {
    fail((error as Error).message)
  }
}
