import { describe, expect, test } from 'bun:test'
import { SETTING_LIST } from '../../../src/config/settings'

/** Every variable the first column of the Configuration table names: `PORT` / `HOST` is two, aliases count. */
async function configurationVariables(file: string, heading: string): Promise<string[]> {
  const readme = await Bun.file(new URL(`../../../${file}`, import.meta.url)).text()
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`))
  if (!section) throw new Error(`${file} has no "## ${heading}" section`)
  const rows = section.split('\n').filter((line) => line.startsWith('|')).slice(2) // header and |---|
  expect(rows.length).toBeGreaterThan(0)
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!))
}

const settingNames = SETTING_LIST.flatMap((setting) => [setting.env, ...(setting.aliases ?? [])])

describe.each([
  ['README.md', 'Configuration'],
  ['README.zh-CN.md', '配置'],
])('%s', (file, heading) => {
  test('its Configuration table names every setting', async () => {
    const named = await configurationVariables(file, heading)
    expect(settingNames.filter((name) => !named.includes(name))).toEqual([])
  })

  test('speaks of behaviour, not of development rounds', async () => {
    const readme = await Bun.file(new URL(`../../../${file}`, import.meta.url)).text()
    expect(readme.match(/\bround[ -]?[0-9]\b|\bround (one|two|three)\b|第[一二三四1-4]轮/gi) ?? []).toEqual([])
  })

  test('its Quick start names the Node version and the two defaults that surprise', async () => {
    const readme = await Bun.file(new URL(`../../../${file}`, import.meta.url)).text()
    const start = readme.split(/^## /m).find((part) => /^(Quick start|快速开始)\n/.test(part))!
    expect(start).toMatch(/Node\.js 20/)
    for (const words of ['MODEL_RATE_LIMIT', 'MAX_OUTPUT_TOKENS', 'x-output-cap']) expect(start).toContain(words)
  })

  test('every variable its Configuration table names is a setting', async () => {
    const named = await configurationVariables(file, heading)
    expect(named.filter((name) => !settingNames.includes(name))).toEqual([])
  })
})
