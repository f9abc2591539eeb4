// Glob patterns of model names (`gpt-*`, `o?-mini`, `*`): `*` matches any run of characters, `?` one; the
// rest is literal and the whole name must match. Brackets and braces are not part of the language: a
// pattern with one is refused at start rather than read differently from what its author meant.

const LEGAL = /^[^\s[\]{}]+$/

export function globProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return 'must be a non-empty string'
  if (!LEGAL.test(pattern)) return `"${pattern}" is not a model pattern (only letters, digits, punctuation, * and ?; no spaces, [ ] or { })`
  return undefined
}

export function compileGlob(pattern: string): RegExp {
  const source = pattern.replace(/[.+^$()|\\/-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`)
}

/** A matcher for a list of patterns: true when any matches. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.includes('*')) return () => true
  const compiled = patterns.map(compileGlob)
  return (name) => compiled.some((re) => re.test(name))
}
