// Chinese place names for the entity rule: found in runs of Han characters by the gazetteer of places-zh.ts,
// the longest name first, so that 印度尼西亚 is not read as 印度 and 上海南站 not as 海南.

import { PLACE_ALIASES, PLACES } from './places-zh'

/** First character → the lengths of the names that start with it, longest first. */
function index(names: Iterable<string>): Map<string, number[]> {
  const byFirst = new Map<string, number[]>()
  for (const name of names) {
    const lengths = byFirst.get(name[0]!) ?? []
    if (!lengths.includes(name.length)) lengths.push(name.length)
    byFirst.set(name[0]!, lengths.sort((x, y) => y - x))
  }
  return byFirst
}

const KNOWN: ReadonlySet<string> = new Set([...PLACES, ...PLACE_ALIASES.keys()])
const BY_FIRST = index(KNOWN)
const HAN_RUN = /\p{Script=Han}+/gu

/** The place names of a text, each under one name (美利坚合众国 → 美国), in order of appearance. */
export function placeNames(text: string): string[] {
  const found: string[] = []
  for (const run of text.matchAll(HAN_RUN)) {
    const s = run[0]
    let i = 0
    while (i < s.length) {
      let step = 1
      for (const n of BY_FIRST.get(s[i]!) ?? []) {
        const name = s.slice(i, i + n)
        if (!KNOWN.has(name)) continue
        found.push(PLACE_ALIASES.get(name) ?? name)
        step = n
        break
      }
      i += step
    }
  }
  return found
}
