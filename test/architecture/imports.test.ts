// Imports run one way (DESIGN §3): http → pipeline → auth/limits/upstream/cache/stats → dialects →
// state/config → openai/errors/log. (openai/ is what every dialect shares of OpenAI's API, the endpoint list
// among it, which the config validates against: it sits below config. The provider adapters are inside
// upstream/, below the pipeline; translations between dialects sit below the dialects themselves.) No folder imports a folder that imports it back, no file is part of an import cycle, and
// no module imports one of a higher layer.

import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = resolve(import.meta.dir, '../../src')

/** Higher layers may import lower ones (and their own folder), never the other way. */
const LAYERS: Record<string, number> = {
  index: 6,
  compose: 6,
  http: 5,
  pipeline: 4,
  auth: 3,
  limits: 3,
  upstream: 3,
  cache: 3,
  stats: 3,
  dialects: 2,
  state: 1,
  config: 1,
  openai: 0,
  errors: 0,
  log: 0,
  version: 0,
}

function sourceFiles(): string[] {
  return [...new Bun.Glob('**/*.ts').scanSync(SRC)].map((file) => join(SRC, file)).sort()
}

/** The src files a file imports (type-only imports included: they couple the modules all the same). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!)
  const out: string[] = []
  for (const specifier of specifiers) {
    if (!specifier.startsWith('.')) continue
    const base = resolve(dirname(file), specifier)
    const target = [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'))
    if (target) out.push(target)
  }
  return out
}

/** `http` for src/http/…, `compose` for src/compose.ts. */
const folderOf = (file: string) => relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '')

const graph = new Map(sourceFiles().map((file) => [file, importsOf(file)]))
const name = (file: string) => relative(SRC, file)

describe('the import graph of src/', () => {
  test('every folder has a layer', () => {
    const unknown = [...new Set([...graph.keys()].map(folderOf))].filter((folder) => !(folder in LAYERS))
    expect(unknown).toEqual([])
  })

  test('no module imports a module of a higher layer', () => {
    const upward: string[] = []
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = folderOf(file)
        const to = folderOf(target)
        if (from !== to && LAYERS[to]! > LAYERS[from]!) upward.push(`${name(file)} → ${name(target)}`)
      }
    }
    expect(upward).toEqual([])
  })

  test('translations (dialects/translate) import no dialect of their own folder', () => {
    // A translation is a pure function between the dialects' JSON shapes: the dialects may call it, never
    // the other way round, so a dialect can be changed without a translation reaching into it.
    const inward: string[] = []
    for (const [file, targets] of graph) {
      if (!name(file).startsWith('dialects/translate/')) continue
      for (const target of targets) {
        const to = name(target)
        if (to.startsWith('dialects/') && !to.startsWith('dialects/translate/') && to !== 'dialects/types.ts') inward.push(`${name(file)} → ${to}`)
      }
    }
    expect(inward).toEqual([])
  })

  test('no folder imports a folder that imports it back', () => {
    const folders = new Map<string, Set<string>>()
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = folderOf(file)
        const to = folderOf(target)
        if (from !== to) folders.set(from, (folders.get(from) ?? new Set()).add(to))
      }
    }
    const cycles: string[] = []
    for (const [from, tos] of folders) for (const to of tos) if (folders.get(to)?.has(from) && from < to) cycles.push(`${from} ⇄ ${to}`)
    expect(cycles).toEqual([])
    expect(findCycle(folders)).toBeUndefined()
  })

  test('no file is part of an import cycle', () => {
    const files = new Map([...graph].map(([file, targets]) => [name(file), new Set(targets.map(name))]))
    expect(findCycle(files)).toBeUndefined()
  })

  test('the check sees real imports (a broken resolver would pass everything)', () => {
    expect(graph.get(join(SRC, 'http/app.ts'))!.map(name)).toContain('http/routes/openai.ts')
    expect(graph.get(join(SRC, 'compose.ts'))!.map(name)).toContain('cache/answer-cache.ts') // a dynamic import
    expect(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]))).toEqual(['a', 'b', 'c', 'a'])
  })
})

/** A cycle of the graph as a path (first node repeated at the end), or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node]
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}
