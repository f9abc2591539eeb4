import { readFileSync } from 'node:fs'
import type { Env } from './settings'
import { locateYamlError } from './yaml-error'

// The config file (CONFIG_FILE, a path) or the same YAML as text (PROXY_CONFIG, e.g. a Hugging Face secret),
// parsed with Bun's own YAML parser. `${VAR}` in a string value is replaced by that environment variable
// after parsing, so a variable's value is never read as YAML. Problems never quote a value: one may be a key.

export interface RawFile {
  /** Where it came from, for messages: the path, or "PROXY_CONFIG". */
  source: string
  document: Record<string, unknown>
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export function readConfigFile(env: Env, problems: string[]): RawFile | undefined {
  const path = env.CONFIG_FILE?.trim()
  const inline = env.PROXY_CONFIG
  if (!path && !inline?.trim()) return undefined
  const source = path ? `CONFIG_FILE (${path})` : 'PROXY_CONFIG'
  let text: string
  try {
    text = path ? readFileSync(path, 'utf8') : inline!
  } catch (error) {
    problems.push(`${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    return undefined
  }
  let parsed: unknown
  try {
    parsed = Bun.YAML.parse(text)
  } catch {
    // Bun's message says only "Unexpected token"; nothing of the text (which may hold keys) is repeated.
    const place = locateYamlError(text)
    problems.push(place ? `${source} is not valid YAML: line ${place.line}, column ${place.column}: ${place.what}` : `${source} is not valid YAML`)
    return undefined
  }
  if (parsed === null || parsed === undefined) return { source, document: {} }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`${source} must be a mapping with upstreams: and/or keys:`)
    return undefined
  }
  return { source, document: substitute(parsed, env, problems, '') as Record<string, unknown> }
}

/** Replaces `${VAR}` in every string; an unset variable is a problem naming it and where it is used. */
function substitute(value: unknown, env: Env, problems: string[], at: string): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_, name: string) => {
      const replacement = env[name]
      if (replacement === undefined || replacement === '') {
        problems.push(`${at || 'the file'}: \${${name}} is not set in the environment`)
        return ''
      }
      return replacement
    })
  }
  if (Array.isArray(value)) return value.map((item, i) => substitute(item, env, problems, `${at}[${i}]`))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, env, problems, at ? `${at}.${key}` : key)]))
  }
  return value
}
