// Environment → typed configuration. Every problem is collected so the operator fixes them all in one go.

export type CacheContext = 'full' | 'last'

export interface Config {
  openaiKey: string
  proxyKeys: string[]
  baseUrl: string
  port: number
  host: string
  modelRateLimit: number
  maxOutputTokens: number
  cache: {
    allowed: boolean
    skipWord: string
    similarityThreshold: number
    context: CacheContext
    ttlSeconds: number
    maxEntries: number
  }
  embedding: { model: string; baseUrl: string; key: string }
  upstreamTimeoutMs: number
  maxBodySize: number
  trustProxy: number
  /** Most answers (`n`, `best_of`, × prompts) one request may ask for. */
  maxN: number
  dataDir: string
  /** `'*'` allows any origin (browser extensions have unpredictable ids). */
  corsOrigins: '*' | string[]
  /** Bearer key for GET /metrics; open when unset. */
  metricsKey?: string
  /** Bearer key for /admin; the admin API is off when unset. */
  adminKey?: string
  /** USD per million tokens, overriding or extending the built-in table. */
  modelPrices: Record<string, { input: number; output: number }>
}

export type Env = Record<string, string | undefined>

/**
 * For text-embedding-3-small, whose cosine scale sits far below ada-002's: the README's "Choosing the
 * similarity threshold" gives the published measurements behind it and `npm run eval:cache` measures it.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.8

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

/** The settings table, used by `--help` and kept in step with the README. */
export const SETTINGS: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: 'OPENAI_KEY (alias OPENAI_API_KEY)', default: 'required', meaning: 'the upstream key; never sent to clients, never logged' },
  { name: 'PROXY_KEY', default: 'required', meaning: 'client key(s), comma-separated; without it the proxy refuses to start' },
  { name: 'OPENAI_BASE_URL', default: 'https://api.openai.com/v1', meaning: 'upstream base URL (any OpenAI-compatible provider)' },
  { name: 'PORT / HOST', default: '7860 / 0.0.0.0', meaning: 'where to listen (7860 is what Hugging Face Spaces expect)' },
  { name: 'MODEL_RATE_LIMIT', default: '4', meaning: 'requests per minute per client that reach the model (sliding window); 0 = no limit' },
  { name: 'MAX_OUTPUT_TOKENS', default: '300', meaning: 'cap on output tokens, also applied when the client sends none; 0 = no cap' },
  { name: 'CACHE_ALLOWED', default: 'true', meaning: 'cache on/off' },
  { name: 'CACHE_SKIP_WORD', default: '"/skip_cache "', meaning: 'a last message starting with it bypasses the cache lookup' },
  { name: 'CACHE_SIMILARITY_THRESHOLD', default: String(DEFAULT_SIMILARITY_THRESHOLD), meaning: 'cosine similarity at or above which a semantic match is a hit' },
  { name: 'CACHE_CONTEXT', default: 'full', meaning: 'full: earlier turns must match exactly; last: only model, system prompt and last message count' },
  { name: 'CACHE_TTL_SECONDS', default: '604800 (7 days)', meaning: 'cache entry lifetime' },
  { name: 'CACHE_MAX_ENTRIES', default: '100000', meaning: 'least-recently-used eviction beyond this many entries' },
  { name: 'EMBEDDING_MODEL', default: 'text-embedding-3-small', meaning: 'embedding model for the semantic cache' },
  { name: 'EMBEDDING_BASE_URL / EMBEDDING_KEY', default: "the upstream's", meaning: 'for upstreams without an embeddings endpoint' },
  { name: 'UPSTREAM_TIMEOUT_MS', default: '120000', meaning: "longest wait for the upstream's response headers; then 504" },
  { name: 'MAX_BODY_SIZE', default: '16mb', meaning: 'larger request bodies get 413 (bytes, or with kb/mb/gb)' },
  { name: 'TRUST_PROXY', default: '0 (1 when SPACE_ID is set)', meaning: 'proxy hops in front that may set X-Forwarded-For; 0 = use the socket address' },
  { name: 'MAX_N', default: '1', meaning: 'most answers one request may ask for: max(n, best_of) × prompts; more gets 400' },
  { name: 'DATA_DIR', default: './data', meaning: 'SQLite database and vector index' },
  { name: 'CORS_ORIGINS', default: '*', meaning: 'comma-separated origins allowed by browsers; * = any' },
  { name: 'METRICS_KEY', default: 'unset (open)', meaning: 'bearer key required by GET /metrics' },
  { name: 'ADMIN_KEY', default: 'unset (admin off)', meaning: 'bearer key for the cache admin API under /admin' },
  { name: 'MODEL_PRICES', default: 'built-in table', meaning: 'JSON {"model":{"input":USD,"output":USD}} per million tokens, for the savings estimate' },
]

export function loadConfig(env: Env): Config {
  const problems: string[] = []
  const read = (name: string) => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value
  }

  const int = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = Number(raw.trim())
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`)
      return fallback
    }
    return value
  }

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name)
    if (raw === undefined) return fallback
    const value = raw.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(value)) return true
    if (['false', '0', 'no', 'off'].includes(value)) return false
    problems.push(`${name}="${raw}" must be true or false`)
    return fallback
  }

  const url = (name: string, fallback: string): string => {
    const raw = read(name)?.trim()
    if (raw === undefined) return fallback
    try {
      const parsed = new URL(raw)
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol')
      return raw.replace(/\/+$/, '')
    } catch {
      problems.push(`${name}="${raw}" must be an http(s) URL, like https://api.openai.com/v1`)
      return fallback
    }
  }

  const openaiKey = (read('OPENAI_KEY') ?? read('OPENAI_API_KEY'))?.trim() ?? ''
  if (!openaiKey) problems.push('OPENAI_KEY (or OPENAI_API_KEY) is required: the upstream API key, e.g. OPENAI_KEY=sk-...')

  const proxyKeys = (read('PROXY_KEY') ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
  if (proxyKeys.length === 0) {
    problems.push(
      'PROXY_KEY is required so the proxy never becomes an open relay: set one or more client keys, comma-separated, ' +
        'e.g. PROXY_KEY=$(openssl rand -hex 24)'
    )
  } else if (openaiKey && proxyKeys.includes(openaiKey)) {
    problems.push('PROXY_KEY must differ from OPENAI_KEY: clients would hold the real key')
  }

  const baseUrl = url('OPENAI_BASE_URL', 'https://api.openai.com/v1')
  const port = int('PORT', 7860, 0, 65535)
  const host = read('HOST')?.trim() ?? '0.0.0.0'

  const threshold = (() => {
    const raw = read('CACHE_SIMILARITY_THRESHOLD')
    if (raw === undefined) return DEFAULT_SIMILARITY_THRESHOLD
    const value = Number(raw.trim())
    if (!Number.isFinite(value) || value <= 0 || value > 1) {
      problems.push(`CACHE_SIMILARITY_THRESHOLD="${raw}" must be a number above 0 and at most 1`)
      return DEFAULT_SIMILARITY_THRESHOLD
    }
    return value
  })()

  const context = (() => {
    const raw = read('CACHE_CONTEXT')?.trim().toLowerCase() ?? 'full'
    if (raw === 'full' || raw === 'last') return raw
    problems.push(`CACHE_CONTEXT="${raw}" must be full or last`)
    return 'full'
  })()

  const maxBodySize = (() => {
    const raw = read('MAX_BODY_SIZE')
    if (raw === undefined) return 16 * 1024 * 1024
    const bytes = parseSize(raw)
    if (bytes === undefined || bytes < 1024) {
      problems.push(`MAX_BODY_SIZE="${raw}" must be a size of at least 1kb, like 16mb or 16777216`)
      return 16 * 1024 * 1024
    }
    return bytes
  })()

  const corsOrigins = (() => {
    const list = (read('CORS_ORIGINS') ?? '*')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
    return list.length === 0 || list.includes('*') ? ('*' as const) : list
  })()

  const modelPrices = (() => {
    const raw = read('MODEL_PRICES')
    if (raw === undefined) return {}
    try {
      const parsed = JSON.parse(raw)
      const valid =
        parsed &&
        typeof parsed === 'object' &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every(
          (p: any) => p && typeof p.input === 'number' && p.input >= 0 && typeof p.output === 'number' && p.output >= 0
        )
      if (valid) return parsed as Config['modelPrices']
    } catch {}
    problems.push('MODEL_PRICES must be JSON like {"gpt-4o-mini":{"input":0.15,"output":0.6}} (USD per million tokens)')
    return {}
  })()

  const metricsKey = read('METRICS_KEY')?.trim()
  const adminKey = read('ADMIN_KEY')?.trim()
  for (const [name, key] of [['METRICS_KEY', metricsKey], ['ADMIN_KEY', adminKey]] as const) {
    if (key && (key === openaiKey || proxyKeys.includes(key))) problems.push(`${name} must differ from OPENAI_KEY and every PROXY_KEY`)
  }

  const config: Config = {
    openaiKey,
    proxyKeys,
    baseUrl,
    port,
    host,
    modelRateLimit: int('MODEL_RATE_LIMIT', 4),
    maxOutputTokens: int('MAX_OUTPUT_TOKENS', 300),
    cache: {
      allowed: bool('CACHE_ALLOWED', true),
      // Not trimmed: the default's trailing space is part of the word. Blank means the default, since an
      // empty word would prefix every message and bypass the cache for all.
      skipWord: env.CACHE_SKIP_WORD ? env.CACHE_SKIP_WORD : '/skip_cache ',
      similarityThreshold: threshold,
      context,
      ttlSeconds: int('CACHE_TTL_SECONDS', 7 * 24 * 3600, 1),
      maxEntries: int('CACHE_MAX_ENTRIES', 100_000, 1),
    },
    embedding: {
      model: read('EMBEDDING_MODEL')?.trim() ?? 'text-embedding-3-small',
      baseUrl: url('EMBEDDING_BASE_URL', baseUrl),
      key: read('EMBEDDING_KEY')?.trim() ?? openaiKey,
    },
    upstreamTimeoutMs: int('UPSTREAM_TIMEOUT_MS', 120_000, 1),
    maxBodySize,
    // A Hugging Face Space (which sets SPACE_ID) always runs behind exactly one proxy of Hugging Face's.
    trustProxy: int('TRUST_PROXY', read('SPACE_ID') ? 1 : 0, 0, 100),
    maxN: int('MAX_N', 1, 1, 128),
    dataDir: read('DATA_DIR')?.trim() ?? './data',
    corsOrigins,
    metricsKey,
    adminKey,
    modelPrices,
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 }

function parseSize(raw: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw)
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? '']
  if (!match || unit === undefined) return undefined
  return Math.floor(Number(match[1]) * unit)
}
