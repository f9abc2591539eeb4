// The project layout in the README (both languages) names only paths that exist, and every folder of src/.

import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')

/** The first column of the layout block: the lines from `src/index.ts …` to the end of its code block. */
function layoutPaths(readme: string): string[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n')
  const first = lines.findIndex((line) => line.startsWith('src/index.ts '))
  if (first === -1) throw new Error(`${readme} has no layout block`)
  const end = lines.indexOf('```', first)
  return lines.slice(first, end).map((line) => line.split(/\s+/)[0]!).filter(Boolean)
}

describe.each(['README.md', 'README.zh-CN.md'])('%s layout', (readme) => {
  test('every path it names exists', () => {
    const paths = layoutPaths(readme)
    expect(paths.length).toBeGreaterThan(10)
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([])
  })

  test('every folder and top-level file of src/ is named', () => {
    const named = new Set(layoutPaths(readme))
    const entries = readdirSync(join(ROOT, 'src')).map((name) => (statSync(join(ROOT, 'src', name)).isDirectory() ? `src/${name}/` : `src/${name}`))
    expect(entries.filter((entry) => !named.has(entry) && entry !== 'src/version.ts')).toEqual([])
  })
})
