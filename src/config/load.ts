// Environment → typed configuration, through the settings table. Every problem is collected so the operator
// fixes them all in one go.

import { readConfigFile } from './file'
import { CHECKS, SETTINGS, isSetting, type AnySetting, type Config, type Env, type Setting, type Sources } from './settings'
import { readKeys } from './keys'
import { envUpstream, readUpstreams, shownName } from './upstreams'
import { weakKeyWarnings } from './weak-keys'
import { baseUrlWarnings } from './base-url'

export { DEFAULT_SIMILARITY_THRESHOLD, type CacheContext, type Config, type Env } from './settings'

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `proxy-gpt cannot start, ${problems.length === 1 ? 'one setting needs' : `${problems.length} settings need`} fixing:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet them as environment variables or in a .env file; `--help` lists every setting.'
    )
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: Env): Config {
  const problems: string[] = []
  // Memoised so a setting read by another's computed default is parsed, and its problem reported, once.
  const values = new Map<AnySetting, unknown>()
  const value = <T>(setting: Setting<T>): T => {
    if (!values.has(setting)) values.set(setting, resolve(setting, { env, value }, problems))
    return values.get(setting) as T
  }

  const build = (group: object): object =>
    Object.fromEntries(Object.entries(group).map(([field, entry]) => [field, isSetting(entry) ? value(entry) : build(entry)]))
  const config = build(SETTINGS) as Config
  applyFile(config, env, problems)

  for (const check of CHECKS) {
    const problem = check(config)
    if (problem) problems.push(problem)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  config.notes.push(...weakKeyWarnings(config))
  return config
}

/** The setting's parsed value; its default when unset, or when the value is bad (then `problems` says so). */
function resolve<T>(setting: Setting<T>, from: Sources, problems: string[]): T {
  const set = firstSet(setting, from.env)
  if (set) {
    const parsed = setting.parse.parse(set.raw, set.name)
    if ('value' in parsed) return parsed.value
    problems.push(parsed.problem)
  }
  const fallback = setting.default
  return isComputed(fallback) ? fallback(from) : fallback
}

function firstSet(setting: AnySetting, env: Env): { name: string; raw: string } | undefined {
  for (const name of [setting.env, ...(setting.aliases ?? [])]) {
    const raw = env[name]
    if (raw !== undefined && (setting.verbatim ? raw !== '' : raw.trim() !== '')) return { name, raw }
  }
  return undefined
}

function isComputed<T>(fallback: T | ((from: Sources) => T)): fallback is (from: Sources) => T {
  return typeof fallback === 'function'
}

/** The config file's sections, or the environment's upstream (DESIGN §1.1). */
function applyFile(config: Config, env: Env, problems: string[]) {
  config.notes = []
  const file = readConfigFile(env, problems)
  const document = file?.document ?? {}
  if (file) {
    for (const section of Object.keys(document)) {
      if (section !== 'upstreams' && section !== 'keys') problems.push(`${file.source}: unknown section ${shownName(section)} (upstreams: and keys: are what it may hold)`)
    }
  }
  config.keys = file && document.keys !== undefined ? readKeys(document.keys, file.source, problems) : []
  if (config.keys.length > 0) config.notes.push(`config: proxy keys ${config.keys.map((k) => k.name).join(', ')} from ${file!.source}`)
  if (file && document.upstreams !== undefined) {
    config.upstreams = readUpstreams(document.upstreams, file.source, problems)
    const names = config.upstreams.map((u) => u.name).join(', ')
    config.notes.push(`config: upstreams ${names} from ${file.source}; OPENAI_KEY and OPENAI_BASE_URL are unused`)
    config.notes.push(...baseUrlWarnings(config.upstreams, false))
  } else {
    config.upstreams = [envUpstream(config.baseUrl, config.openaiKey)]
    config.notes.push(...baseUrlWarnings(config.upstreams, true))
  }
}
