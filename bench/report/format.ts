// How the report writes numbers and tables. The fixed-precision formats show a number that could not be
// measured (a missing cell, a division by zero) as "–" rather than NaN.

export const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–')
export const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–')
export const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–')
export const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–')
export const signed = (x: number, digits = 3) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}` : '–')
export const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–')
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`
export const minutes = (s: number) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`

/** A markdown table; by default the first column is left-aligned and the others right-aligned (numbers). */
export function table(head: string[], rows: string[][], align?: string[]): string {
  const sep = align ?? head.map((_, i) => (i === 0 ? '---' : '---:'))
  return [`| ${head.join(' | ')} |`, `| ${sep.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}
