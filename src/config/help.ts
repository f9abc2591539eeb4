import { VERSION } from '../version'
import { SETTING_LIST, type AnySetting } from './settings'

/** `--help` and `--version`; returns true when one was handled and the process should exit. */
export function handleCliFlags(argv: readonly string[], print: (text: string) => void): boolean {
  if (argv.includes('--version') || argv.includes('-v')) {
    print(VERSION)
    return true
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    print(helpText())
    return true
  }
  return false
}

export function helpText(): string {
  const rows = SETTING_LIST.map((setting) => ({ name: variableName(setting), shown: shownDefault(setting), meaning: setting.help }))
  const nameWidth = Math.max(...rows.map((row) => row.name.length))
  const defaultWidth = Math.max(...rows.map((row) => row.shown.length))
  return [
    `proxy-gpt ${VERSION} — an OpenAI-compatible gateway that protects your key, caps spending and caches answers.`,
    '',
    'Usage: proxy-gpt [--help] [--version]',
    '',
    'Configuration comes from environment variables (a .env file in the working directory is read too):',
    '',
    `  ${'variable'.padEnd(nameWidth)}  ${'default'.padEnd(defaultWidth)}  meaning`,
    ...rows.map((row) => `  ${row.name.padEnd(nameWidth)}  ${row.shown.padEnd(defaultWidth)}  ${row.meaning}`),
    '',
    'Clients call http://HOST:PORT/v1 with "Authorization: Bearer <PROXY_KEY>". Docs: /swagger. Health: /health.',
  ].join('\n')
}

function variableName(setting: AnySetting): string {
  return setting.aliases?.length ? `${setting.env} (alias ${setting.aliases.join(', ')})` : setting.env
}

/** The default column: the setting's own wording, else its default value written the way the variable takes it. */
export function shownDefault(setting: AnySetting): string {
  if (typeof setting.shown === 'string') return setting.shown
  if (typeof setting.default === 'function') throw new Error(`${setting.env}: a computed default needs a shown text`)
  if (setting.shown) return setting.shown(setting.default)
  return setting.parse.show ? setting.parse.show(setting.default) : String(setting.default)
}
