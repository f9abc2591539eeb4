import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, test } from 'bun:test'
import { loadConfig } from '../../../src/config/load'
import { weakKeyWarnings, weakness } from '../../../src/config/weak-keys'

const ROOT = resolve(import.meta.dir, '../../..')
const STRONG = 'e3b0c44298fc1c149afbf4c8996fb924'

/** Every file of the READMEs, deploy/ and examples/: where an operator copies a key from. */
function documentation(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
  return [join(ROOT, 'README.md'), join(ROOT, 'README.zh-CN.md'), ...walk(join(ROOT, 'deploy')), ...walk(join(ROOT, 'examples'))]
}

/** Every 3-character run of `key`: a warning showing any of them shows part of the key. */
const pieces = (key: string) => Array.from({ length: key.length - 2 }, (_, i) => key.slice(i, i + 3))

describe('weakness', () => {
  test.each([
    ['short', 'Qz7!Kp'],
    ['15 characters', 'a'.repeat(15)],
    ["the README's placeholder", 'choose-a-long-random-string'],
    ['the placeholder in another case, with spaces around', '  Choose-A-Long-Random-String '],
    ["the SDK examples' placeholder", '<proxy key>'],
  ])('%s is weak', (_name, key) => {
    expect(weakness(key)).toBeString()
  })

  test('16 random characters and more are not', () => {
    expect(weakness('Rk4Lm9Qz2Xw7Vt1N')).toBeUndefined()
    expect(weakness(STRONG)).toBeUndefined()
  })

  test('every key value the READMEs, deploy/ and examples/ show is found weak', () => {
    const values = new Set<string>()
    for (const file of documentation()) {
      const text = readFileSync(file, 'utf8')
      for (const [, value] of text.matchAll(/\bPROXY_KEY=([^\s`"'$]+)/g)) values.add(value!)
      for (const [, value] of text.matchAll(/\b(?:api_key|apiKey|OPENAI_API_KEY)\s*[=:]\s*"?(<[^>"]+>)/g)) values.add(value!)
    }
    expect(values).toContain('choose-a-long-random-string')
    expect([...values].filter((value) => !weakness(value))).toEqual([])
  })
})

describe('weakKeyWarnings', () => {
  const none = { keys: [], adminKey: undefined, metricsKey: undefined }

  test('one line per weak key, naming it by position, with the way to make a good one', () => {
    const lines = weakKeyWarnings({ ...none, proxyKeys: [STRONG, 'Qz7!Kp', 'choose-a-long-random-string'] })
    expect(lines).toEqual([
      'config: WARNING: PROXY_KEY (key 2 of 3) is shorter than 16 characters, easy to guess: make a long random one, e.g. with `openssl rand -hex 24`, and restart',
      "config: WARNING: PROXY_KEY (key 3 of 3) is the README's example value, known to everyone: make a long random one, e.g. with `openssl rand -hex 24`, and restart",
    ])
  })

  test('no line for strong keys; one key alone is simply PROXY_KEY', () => {
    expect(weakKeyWarnings({ ...none, proxyKeys: [STRONG] })).toEqual([])
    expect(weakKeyWarnings({ ...none, proxyKeys: ['short'] })[0]).toStartWith('config: WARNING: PROXY_KEY is shorter')
  })

  test('ADMIN_KEY, METRICS_KEY and the config file keys are checked too, by their names', () => {
    const lines = weakKeyWarnings({
      proxyKeys: [STRONG],
      keys: [{ name: 'alice', key: 'choose-a-long-random-string', settings: {} }],
      adminKey: 'admin',
      metricsKey: 'metrics',
    })
    expect(lines.map((line) => /WARNING: (.+?) is/.exec(line)![1])).toEqual(['the config file\'s key "alice"', 'ADMIN_KEY', 'METRICS_KEY'])
  })

  test('a warning never shows any three characters of the key', () => {
    for (const key of ['Qz7!Kp9#', 'Xv_J4&wY']) {
      const [line] = weakKeyWarnings({ ...none, proxyKeys: [key] })
      expect(line).toBeString()
      for (const piece of pieces(key)) expect(line).not.toContain(piece)
    }
  })

  test('loadConfig adds them to the start-up notes', () => {
    const config = loadConfig({ OPENAI_KEY: 'sk-upstream-0123456789abcdef', PROXY_KEY: `${STRONG},tiny-Key` })
    expect(config.notes.filter((note) => note.includes('WARNING'))).toEqual([expect.stringContaining('PROXY_KEY (key 2 of 2) is shorter than 16 characters')])
  })
})
