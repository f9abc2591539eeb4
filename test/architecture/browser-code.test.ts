// Browser code (a folder of src/ with a tsconfig.json of its own, such as the status page's) is bundled into a
// page's script (src/http/pages/bundle.ts). It may take the server's types (the /stats contract) but no server
// code, which would be bundled into the page; server code never imports it; and `npm run typecheck` checks it
// with the DOM library while the root tsconfig leaves it out, so server code never sees DOM types.

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')
const SRC = join(ROOT, 'src')

const browserFolders = [...new Bun.Glob('**/tsconfig.json').scanSync(SRC)].map((file) => join(SRC, dirname(file))).sort()
const sourceFiles = [...new Bun.Glob('**/*.{ts,tsx}').scanSync(SRC)].map((file) => join(SRC, file))
const inFolder = (file: string, folder: string) => !relative(folder, file).startsWith('..')

/**
 * Each relative import of code by a file: what it names, and whether it is `import type` (erased when
 * bundled). A page's HTML, imported as text, is not code.
 */
function importsOf(file: string): Array<{ target: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm), ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .map((m) => (m.length === 2 ? { target: resolve(dirname(file), m[1]!), typeOnly: false } : { target: resolve(dirname(file), m[3]!), typeOnly: !!m[2] }))
    .filter(({ target }) => !/\.(?!tsx?$)\w+$/.test(target))
}

describe('browser code under src/', () => {
  test('the status page and the console (with /me) are browser code', () => {
    expect(browserFolders.map((folder) => relative(ROOT, folder))).toEqual(['src/http/pages/app', 'src/http/pages/status'])
  })

  test.each(browserFolders.map((folder) => [relative(ROOT, folder)]))('%s takes only types from outside itself', (name) => {
    const folder = join(ROOT, name)
    const outside = sourceFiles
      .filter((file) => inFolder(file, folder))
      .flatMap((file) => importsOf(file).map((i) => ({ ...i, file })))
      .filter(({ target, typeOnly }) => !inFolder(target, folder) && !typeOnly)
      .map(({ file, target }) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`)
    expect(outside).toEqual([])
  })

  test.each(browserFolders.map((folder) => [relative(ROOT, folder)]))('%s: server code does not import it', (name) => {
    const folder = join(ROOT, name)
    const inward = sourceFiles
      .filter((file) => !inFolder(file, folder))
      .flatMap((file) => importsOf(file).map((i) => ({ ...i, file })))
      .filter(({ target }) => inFolder(target, folder))
      .map(({ file, target }) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`)
    expect(inward).toEqual([])
  })

  test.each(browserFolders.map((folder) => [relative(ROOT, folder)]))('%s: type-checked with the DOM by npm run typecheck, left out of the root tsconfig', (name) => {
    const own = readFileSync(join(ROOT, name, 'tsconfig.json'), 'utf8')
    expect(own).toContain('"DOM"')
    const rootConfig = readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')
    expect(rootConfig.slice(rootConfig.indexOf('"exclude"'))).toContain(`"${name}"`)
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts
    expect(scripts.typecheck).toContain(`tsc --noEmit -p ${name}`)
  })
})
