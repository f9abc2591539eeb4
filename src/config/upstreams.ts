import { globMatcher, globProblem } from './glob'

// The upstreams requests go to (DESIGN §1.2): from the config file's `upstreams:`, or, without one, the one
// upstream the environment describes (OPENAI_BASE_URL, with OPENAI_KEY as a comma-separated key list).

export interface UpstreamConfig {
  /** Letters, digits, - and _: shown in `x-upstream`, logs, /stats and the status page. */
  name: string
  baseUrl: string
  /** Which API the upstream speaks (DESIGN §1.8): its adapter is upstream/providers/<kind>.ts. */
  provider: ProviderKind
  keys: string[]
  /** Glob patterns of the client-facing model names this upstream serves. */
  models: string[]
  /** Client-facing name → the name sent upstream (only the `model` field changes). */
  modelMap: Record<string, string>
  /** Lower first; equal priorities share the load by weight. */
  priority: number
  weight: number
}

/** The name of the upstream the environment alone describes. */
export const ENV_UPSTREAM = 'default'

/**
 * The words `provider:` accepts (DESIGN §1.8), each served by its adapter in upstream/providers/; `openai` when
 * the field is absent.
 */
export const PROVIDER_KINDS = ['openai', 'openai-chat', 'anthropic'] as const
export type ProviderKind = (typeof PROVIDER_KINDS)[number]

const NAME = /^[A-Za-z0-9_-]{1,64}$/
const FIELDS = new Set(['name', 'base_url', 'provider', 'keys', 'models', 'model_map', 'priority', 'weight'])

export function envUpstream(baseUrl: string, keyList: string): UpstreamConfig {
  return {
    name: ENV_UPSTREAM,
    baseUrl,
    provider: 'openai',
    keys: splitKeys(keyList),
    models: ['*'],
    modelMap: {},
    priority: 0,
    weight: 1,
  }
}

export const splitKeys = (list: string) => [...new Set(list.split(',').map((key) => key.trim()).filter(Boolean))]

/** The `upstreams:` section, checked: every problem is pushed (never quoting a key), bad entries dropped. */
export function readUpstreams(section: unknown, source: string, problems: string[]): UpstreamConfig[] {
  if (!Array.isArray(section) || section.length === 0) {
    problems.push(`${source}: upstreams: must be a list of upstreams (name, base_url, keys, …)`)
    return []
  }
  const upstreams: UpstreamConfig[] = []
  const names = new Set<string>()
  const keysSeen = new Map<string, string>()
  section.forEach((raw, i) => {
    const at = `${source}: upstreams[${i}]`
    const before = problems.length
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return void problems.push(`${at} must be a mapping`)
    const entry = raw as Record<string, unknown>
    for (const field of Object.keys(entry)) if (!FIELDS.has(field)) problems.push(`${at}: unknown field ${shownName(field)}`)

    const name = entry.name
    if (typeof name !== 'string' || !NAME.test(name)) problems.push(`${at}.name must be letters, digits, - and _ (at most 64)`)
    else if (names.has(name)) problems.push(`${at}.name "${name}" is used twice`)
    else names.add(name)
    const label = typeof name === 'string' && NAME.test(name) ? `${source}: upstream "${name}"` : at

    const baseUrl = httpUrl(entry.base_url)
    if (!baseUrl) problems.push(`${label}: base_url must be an http(s) URL, like https://api.openai.com/v1`)

    const provider = entry.provider ?? 'openai'
    if (typeof provider !== 'string' || !(PROVIDER_KINDS as readonly string[]).includes(provider)) {
      const shown = typeof provider === 'string' ? `${shownName(provider)} ` : ''
      problems.push(`${label}: provider ${shown}must be one of ${PROVIDER_KINDS.join(', ')}`)
    }

    const keys = entry.keys
    if (!Array.isArray(keys) || keys.length === 0) problems.push(`${label}: keys must be a non-empty list of API keys`)
    else if (keys.some((key) => typeof key !== 'string' || key.trim() === '')) problems.push(`${label}: every key must be a non-empty string`)
    else if (new Set(keys.map((key) => String(key).trim())).size !== keys.length) problems.push(`${label}: a key is listed twice`)

    const models = entry.models ?? ['*']
    if (!Array.isArray(models) || models.length === 0) problems.push(`${label}: models must be a non-empty list of patterns`)
    else models.forEach((pattern, j) => {
      const problem = globProblem(pattern)
      if (problem) problems.push(`${label}: models[${j}] ${problem}`)
    })

    const modelMap = entry.model_map ?? {}
    if (!modelMap || typeof modelMap !== 'object' || Array.isArray(modelMap)) problems.push(`${label}: model_map must map client model names to upstream names`)
    else for (const [client, upstream] of Object.entries(modelMap)) {
      if (typeof upstream !== 'string' || upstream === '') problems.push(`${label}: model_map ${shownName(client)} must map to a model name`)
    }

    const priority = entry.priority ?? 0
    if (!Number.isInteger(priority)) problems.push(`${label}: priority must be a whole number (lower is tried first)`)
    const weight = entry.weight ?? 1
    if (typeof weight !== 'number' || !(weight > 0) || weight > 1000) problems.push(`${label}: weight must be a number above 0 (at most 1000)`)

    if (problems.length > before) return
    for (const key of keys as string[]) {
      const owner = keysSeen.get(key.trim())
      if (owner) problems.push(`${label}: a key of upstream "${owner}" is listed again`)
      keysSeen.set(key.trim(), name as string)
    }
    const config: UpstreamConfig = {
      name: name as string,
      baseUrl: baseUrl!,
      provider: provider as ProviderKind,
      keys: (keys as string[]).map((key) => key.trim()),
      models: models as string[],
      modelMap: modelMap as Record<string, string>,
      priority: priority as number,
      weight: weight as number,
    }
    // A mapped name the upstream's own patterns do not cover could never be routed to it.
    const serves = globMatcher(config.models)
    for (const client of Object.keys(config.modelMap)) {
      if (!serves(client)) problems.push(`${label}: model_map ${shownName(client)} is not matched by its models patterns`)
    }
    upstreams.push(config)
  })
  return upstreams
}

/**
 * A name from the file, for a problem line: only when it looks like a name. A key pasted where a field or
 * a model name goes (a YAML slip) must not be printed by the very message that points at it.
 */
export function shownName(name: string): string {
  return /^[A-Za-z_][\w.:/]{0,31}$/.test(name) || /^[a-z][a-z0-9.]*(-[a-z0-9.]+){0,4}$/.test(name) && name.length <= 40 && !/^sk-/.test(name)
    ? `"${name}"`
    : '(a name not shown: it may be a key)'
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
    return value.trim().replace(/\/+$/, '')
  } catch {
    return undefined
  }
}

