import { SETTINGS } from './config'
import { VERSION } from './version'

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
  const nameWidth = Math.max(...SETTINGS.map((s) => s.name.length))
  const defaultWidth = Math.max(...SETTINGS.map((s) => s.default.length))
  const rows = SETTINGS.map((s) => `  ${s.name.padEnd(nameWidth)}  ${s.default.padEnd(defaultWidth)}  ${s.meaning}`)
  return [
    `proxy-gpt ${VERSION} — an OpenAI-compatible gateway that protects your key, caps spending and caches answers.`,
    '',
    'Usage: proxy-gpt [--help] [--version]',
    '',
    'Configuration comes from environment variables (a .env file in the working directory is read too):',
    '',
    `  ${'variable'.padEnd(nameWidth)}  ${'default'.padEnd(defaultWidth)}  meaning`,
    ...rows,
    '',
    'Clients call http://HOST:PORT/v1 with "Authorization: Bearer <PROXY_KEY>". Docs: /swagger. Health: /health.',
  ].join('\n')
}
