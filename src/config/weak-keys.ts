import { MIN_KEY_LENGTH } from './key-settings'
import type { Config } from './settings'

// Keys a stranger could guess, announced loudly at start rather than refused: someone trying the proxy out
// with `PROXY_KEY=test` should still get it running, and wrong keys are limited per address, but a Space
// open to the whole internet must not rely on that. A key is named by where it is set, never by any of its
// characters nor by a hash (a short key's hash gives the key away to a brute-force search).

/** The example values of the READMEs, deploy files and examples: copied as they are, everyone knows them. */
export const PLACEHOLDER_KEYS: readonly string[] = ['choose-a-long-random-string', '<proxy key>', '...']

const ADVICE = 'make a long random one, e.g. with `openssl rand -hex 24`, and restart'

/** Why `key` is weak, or nothing. */
export function weakness(key: string): string | undefined {
  const plain = key.trim()
  if (PLACEHOLDER_KEYS.some((placeholder) => placeholder.toLowerCase() === plain.toLowerCase())) return "is the README's example value, known to everyone"
  if (plain.length < MIN_KEY_LENGTH) return `is shorter than ${MIN_KEY_LENGTH} characters, easy to guess`
  return undefined
}

/** One start-up line per weak key: PROXY_KEY's by position, the config file's by name, ADMIN_KEY and METRICS_KEY. */
export function weakKeyWarnings(config: Pick<Config, 'proxyKeys' | 'keys' | 'adminKey' | 'metricsKey'>): string[] {
  const n = config.proxyKeys.length
  const keys: Array<[string, string | undefined]> = [
    ...config.proxyKeys.map((key, i): [string, string] => [n === 1 ? 'PROXY_KEY' : `PROXY_KEY (key ${i + 1} of ${n})`, key]),
    ...config.keys.map((k): [string, string] => [`the config file's key "${k.name}"`, k.key]),
    ['ADMIN_KEY', config.adminKey],
    ['METRICS_KEY', config.metricsKey],
  ]
  return keys.flatMap(([where, key]) => {
    const why = key === undefined ? undefined : weakness(key)
    return why ? [`config: WARNING: ${where} ${why}: ${ADVICE}`] : []
  })
}
