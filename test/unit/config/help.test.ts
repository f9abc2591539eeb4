import { describe, expect, test } from 'bun:test'
import { handleCliFlags, helpText, shownDefault } from '../../../src/config/help'
import { SETTING_LIST } from '../../../src/config/settings'
import { VERSION } from '../../../src/version'

function run(argv: string[]): { handled: boolean; printed: string[] } {
  const printed: string[] = []
  return { handled: handleCliFlags(argv, (text) => printed.push(text)), printed }
}

describe('handleCliFlags', () => {
  test('--version and -v print the version', () => {
    for (const flag of ['--version', '-v']) expect(run([flag])).toEqual({ handled: true, printed: [VERSION] })
  })

  test('--help and -h print the help', () => {
    for (const flag of ['--help', '-h']) expect(run([flag])).toEqual({ handled: true, printed: [helpText()] })
  })

  test('without either flag nothing is printed and the proxy starts', () => {
    expect(run([])).toEqual({ handled: false, printed: [] })
    expect(run(['--port', '80'])).toEqual({ handled: false, printed: [] })
  })
})

describe('helpText', () => {
  const lines = helpText().split('\n')

  test('one row per setting, in table order, with its aliases, default and meaning', () => {
    const header = lines.findIndex((line) => line.trimStart().startsWith('variable '))
    const rows = lines.slice(header + 1, header + 1 + SETTING_LIST.length)
    expect(lines[header + 1 + SETTING_LIST.length]).toBe('')
    SETTING_LIST.forEach((setting, i) => {
      const row = rows[i]!
      expect(row.trimStart().startsWith(`${setting.env} `)).toBe(true)
      for (const alias of setting.aliases ?? []) expect(row).toContain(alias)
      expect(row).toContain(`  ${shownDefault(setting)}  `)
      expect(row.endsWith(`  ${setting.help}`)).toBe(true)
    })
  })

  test('the columns line up', () => {
    const header = lines.find((line) => line.trimStart().startsWith('variable '))!
    const defaultColumn = header.indexOf('default')
    const meaningColumn = header.indexOf('meaning')
    SETTING_LIST.forEach((setting) => {
      const row = lines.find((line) => line.trimStart().startsWith(`${setting.env} `))!
      expect(row.indexOf(`${shownDefault(setting)}  `, defaultColumn - 1)).toBe(defaultColumn)
      expect(row.slice(meaningColumn)).toBe(setting.help)
    })
  })

  test('a default shown as a value is the value the loader uses', () => {
    const plain = SETTING_LIST.filter((setting) => setting.shown === undefined)
    expect(plain.length).toBeGreaterThan(10)
    for (const setting of plain) {
      const shown = shownDefault(setting)
      const raw = setting.verbatim ? JSON.parse(shown) : shown
      expect({ [setting.env]: setting.parse.parse(raw, setting.env) }).toEqual({ [setting.env]: { value: setting.default } })
    }
  })

  test('a few defaults as the operator reads them', () => {
    const row = (name: string) => lines.find((line) => line.trimStart().startsWith(`${name} `))!
    expect(row('MAX_BODY_SIZE')).toContain(' 16mb ')
    expect(row('CACHE_SKIP_WORD')).toContain(' "/skip_cache " ')
    expect(row('CACHE_TTL_SECONDS')).toContain(' 604800 (7 days) ')
    expect(row('TRUST_PROXY')).toContain(' 0 (1 when SPACE_ID is set) ')
    expect(row('OPENAI_KEY')).toStartWith('  OPENAI_KEY (alias OPENAI_API_KEY)  ')
  })

  test('a computed default must come with its own wording', () => {
    expect(() => shownDefault({ env: 'X', default: () => 1, help: 'x', parse: { parse: () => ({ value: 1 }) } })).toThrow(/X/)
  })
})
