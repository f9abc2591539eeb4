// The "Targets" section: the table of every target whose part of the run ran, then the explanations of
// what was missed, each written once and in the order of the table.

import { type Figures, figuresOf } from './figures'
import { table } from './format'
import type { RunResults } from './results'
import { TARGETS, type Target } from './targets'

const verdict = (ok: boolean | undefined, note?: string) => `${ok === undefined ? 'not judged' : ok ? '**met**' : '**missed**'}${note ? ` (${note})` : ''}`

/** The target's row and explanation, or undefined when its part of the run did not run. */
function judge<P extends keyof Figures>(target: Target<P>, figures: Partial<Figures>): { row: string[]; why?: string } | undefined {
  const f = figures[target.part]
  if (f === undefined) return undefined
  const { met, note, why } = target.verdict(f)
  return { row: [target.goal(f), target.measured(f), verdict(met, note)], why }
}

export function targetsSection(r: RunResults): string {
  const figures = figuresOf(r)
  const rows: string[][] = []
  const notes: string[] = []
  for (const target of TARGETS) {
    const judged = judge(target, figures)
    if (!judged) continue
    rows.push(judged.row)
    if (judged.why && !notes.includes(judged.why)) notes.push(judged.why)
  }
  return `## Targets

Issue 16's targets, numbered as in the issue; every ratio is within this run. *not judged*: this run did not
measure it, or is not the run the target speaks of. Point 7's "tests and hidden behaviour unchanged" is for the
test suite, not the bench.

${table(['target', 'measured', 'verdict'], rows, ['---', '---', '---'])}

${notes.join('\n\n')}`
}
