// The settings table: each environment variable's name, default, parser and help, written once. `loadConfig`,
// `--help` and the README test all read it, and the `Config` type is derived from its shape, so a setting
// added here is loaded, listed and checked against both READMEs without being written anywhere else.

import { duration, httpUrl, int, list, origins, prices, redisUrl, size, text } from './parse'
import { CACHE_SETTINGS } from './cache-settings'
import type { KeyConfig } from './key-settings'
import { setting, type Env, type Setting, type Sources } from './setting'
import { ENV_UPSTREAM, type UpstreamConfig } from './upstreams'

export type { Env, Setting, Sources } from './setting'

export { DEFAULT_SIMILARITY_THRESHOLD, type CacheContext } from './cache-settings'

// Named because the embedding defaults are computed from them.
const OPENAI_KEY = setting({
  env: 'OPENAI_KEY',
  aliases: ['OPENAI_API_KEY'],
  default: '',
  shown: 'required without a config file',
  help: 'the upstream key(s), comma-separated, of OPENAI_BASE_URL; never sent to clients, never logged',
  parse: text,
})
const OPENAI_BASE_URL = setting({
  env: 'OPENAI_BASE_URL',
  default: 'https://api.openai.com/v1',
  help: 'upstream base URL (any OpenAI-compatible provider)',
  parse: httpUrl,
})

// Unset: the cache's embeddings go through the upstream pool, to the upstream that serves EMBEDDING_MODEL.
const EMBEDDING_BASE_URL = setting<string | undefined>({
  env: 'EMBEDDING_BASE_URL',
  default: undefined,
  shown: 'the upstream pool',
  help: 'an embeddings base URL of its own, for upstreams without an embeddings endpoint',
  parse: httpUrl,
})

/** Its shape is the shape of `Config`; the order is the order of `--help`. */
export const SETTINGS = {
  openaiKey: OPENAI_KEY,
  proxyKeys: setting({
    env: 'PROXY_KEY',
    default: [],
    shown: 'required without keys: in a config file',
    help: 'client key(s), comma-separated; with no proxy key at all the proxy refuses to start',
    parse: list,
  }),
  configFile: setting({
    env: 'CONFIG_FILE',
    default: undefined,
    shown: 'unset',
    help: 'path of a YAML file with upstreams: (and keys:); wins over PROXY_CONFIG',
    parse: text,
  }),
  proxyConfig: setting({
    env: 'PROXY_CONFIG',
    default: undefined,
    shown: 'unset',
    help: 'the same YAML as text (a Hugging Face secret can hold it)',
    parse: text,
  }),
  upstreamAttempts: setting({
    env: 'UPSTREAM_ATTEMPTS',
    default: 3,
    help: 'most upstream tries for one request (another key, another upstream), before any byte reached the client',
    parse: int(1, 10),
  }),
  baseUrl: OPENAI_BASE_URL,
  port: setting({ env: 'PORT', default: 7860, help: 'port to listen on (7860 is what Hugging Face Spaces expect)', parse: int(0, 65535) }),
  host: setting({ env: 'HOST', default: '0.0.0.0', help: 'address to listen on', parse: text }),
  modelRateLimit: setting({
    env: 'MODEL_RATE_LIMIT',
    default: 4,
    help: 'requests per minute per client that reach the model (sliding window); 0 = no limit',
    parse: int(),
  }),
  maxOutputTokens: setting({
    env: 'MAX_OUTPUT_TOKENS',
    default: 300,
    help: 'cap on output tokens, also applied when the client sends none; 0 = no cap',
    parse: int(),
  }),
  cache: CACHE_SETTINGS,
  /** How long a request waits for its question's embedding before going upstream without a semantic lookup. */
  embeddingWaitMs: setting({
    env: 'EMBEDDING_WAIT_MS',
    default: 300,
    help: "longest wait for a question's embedding before going upstream without a semantic lookup (it is still stored)",
    parse: int(0, 60_000),
  }),
  embedding: {
    model: setting({
      env: 'EMBEDDING_MODEL',
      default: 'text-embedding-3-small',
      help: 'embedding model for the semantic cache',
      parse: text,
    }),
    baseUrl: EMBEDDING_BASE_URL,
    key: setting<string | undefined>({
      env: 'EMBEDDING_KEY',
      default: ({ value }) => (value(EMBEDDING_BASE_URL) ? value(OPENAI_KEY).split(',')[0]!.trim() || undefined : undefined),
      shown: 'the first OPENAI_KEY',
      help: 'the key for EMBEDDING_BASE_URL',
      parse: text,
    }),
  },
  upstreamTimeoutMs: setting({
    env: 'UPSTREAM_TIMEOUT_MS',
    default: 120_000,
    help: "longest wait for the upstream's response headers; then 504",
    parse: int(1),
  }),
  maxBodySize: setting({
    env: 'MAX_BODY_SIZE',
    default: 16 * 1024 ** 2,
    help: 'larger request bodies get 413 (bytes, or with kb/mb/gb)',
    parse: size(1024),
  }),
  // A Hugging Face Space (which sets SPACE_ID) always runs behind exactly one proxy of Hugging Face's.
  trustProxy: setting({
    env: 'TRUST_PROXY',
    default: ({ env }) => (env.SPACE_ID?.trim() ? 1 : 0),
    shown: '0 (1 when SPACE_ID is set)',
    help: 'proxy hops in front that may set X-Forwarded-For; 0 = use the socket address',
    parse: int(0, 100),
  }),
  /** Most answers (`n`, `best_of`, × prompts) one request may ask for. */
  maxN: setting({
    env: 'MAX_N',
    default: 1,
    help: 'most answers one request may ask for: max(n, best_of) × prompts; more gets 400',
    parse: int(1, 128),
  }),
  /** OpenAI keeps stored responses 30 days: the ids the proxy remembers the origin of last as long. */
  responsesTtlMs: setting({
    env: 'RESPONSES_TTL',
    default: 30 * 86_400_000,
    help: 'how long translated Responses are kept (previous_response_id, GET /v1/responses/{id}) and the key of each response id remembered: 30d, 12h, 90m, 3600s or seconds',
    parse: duration(1000),
  }),
  redisUrl: setting<string | undefined>({
    env: 'REDIS_URL',
    default: undefined,
    shown: 'unset (one process)',
    help: 'redis:// or rediss:// URL: replicas share limits, budgets, usage, key health, keys and the cache through it',
    parse: redisUrl,
  }),
  dataDir: setting({ env: 'DATA_DIR', default: './data', help: 'SQLite database and vector index', parse: text }),
  /** `'*'` allows any origin (browser extensions have unpredictable ids). */
  corsOrigins: setting({
    env: 'CORS_ORIGINS',
    default: '*',
    help: 'comma-separated origins allowed by browsers; * = any',
    parse: origins,
  }),
  /** Bearer key for GET /metrics; open when unset. */
  metricsKey: setting({
    env: 'METRICS_KEY',
    default: undefined,
    shown: 'unset (open)',
    help: 'bearer key required by GET /metrics',
    parse: text,
  }),
  /** Bearer key for /admin; the admin API is off when unset. */
  adminKey: setting({
    env: 'ADMIN_KEY',
    default: undefined,
    shown: 'unset (admin off)',
    help: 'bearer key for the cache admin API under /admin',
    parse: text,
  }),
  /** USD per million tokens, replacing the catalogue's entry for a model or adding one. */
  modelPrices: setting({
    env: 'MODEL_PRICES',
    default: {},
    shown: 'the @pydantic/genai-prices catalogue',
    help: 'JSON {"model":{"input":USD,"cached_input":USD,"cache_write":USD,"output":USD}} per million tokens, replacing the catalogue\'s entry for that model (by the upstream\'s name for it), for key budgets and the savings estimate',
    parse: prices,
  }),
}

type ValueOf<S> = S extends Setting<infer T> ? T : ConfigOf<S>
type Unset<G> = { [K in keyof G]: G[K] extends Setting<infer T> ? (undefined extends T ? K : never) : never }[keyof G]
/** A setting whose default is `undefined` becomes an optional field; a group becomes a nested object. */
type ConfigOf<G> = { [K in Exclude<keyof G, Unset<G>>]: ValueOf<G[K]> } & { [K in Unset<G>]?: Exclude<ValueOf<G[K]>, undefined> }

export interface Config extends ConfigOf<typeof SETTINGS> {
  /** Where requests go: the config file's upstreams, or the one upstream of the environment. */
  upstreams: UpstreamConfig[]
  /** The named proxy keys of the config file. */
  keys: KeyConfig[]
  /** What the start-up log says about where upstreams (and keys) come from. */
  notes: string[]
}

export type AnySetting = Setting<any>

/** Every setting, in table order. */
export const SETTING_LIST: readonly AnySetting[] = (function flatten(group: object): AnySetting[] {
  return Object.values(group).flatMap((entry) => (isSetting(entry) ? [entry] : flatten(entry)))
})(SETTINGS)

export function isSetting(entry: unknown): entry is AnySetting {
  return typeof entry === 'object' && entry !== null && 'env' in entry && 'parse' in entry
}

/** Checks across settings, run on the loaded values after the table's own; each returns a problem or nothing. */
export const CHECKS: ReadonlyArray<(config: Config) => string | undefined> = [
  ({ upstreams }) =>
    upstreams.some((u) => u.keys.length > 0)
      ? undefined
      : 'OPENAI_KEY (or OPENAI_API_KEY) is required: the upstream API key, e.g. OPENAI_KEY=sk-... (or upstreams: with keys in CONFIG_FILE / PROXY_CONFIG)',
  ({ proxyKeys, keys }) =>
    proxyKeys.length > 0 || keys.length > 0
      ? undefined
      : 'PROXY_KEY is required so the proxy never becomes an open relay: set one or more client keys, comma-separated, ' +
        'e.g. PROXY_KEY=$(openssl rand -hex 24)',
  ({ upstreams, proxyKeys }) => {
    const clash = upstreams.find((u) => u.keys.some((key) => proxyKeys.includes(key)))
    if (!clash) return undefined
    return clash.name === ENV_UPSTREAM
      ? 'PROXY_KEY must differ from OPENAI_KEY: clients would hold the real key'
      : `PROXY_KEY must differ from every key of upstream "${clash.name}": clients would hold the real key`
  },
  ({ upstreams, keys, proxyKeys }) => {
    const clash = keys.find((k) => proxyKeys.includes(k.key) || upstreams.some((u) => u.keys.includes(k.key)))
    return clash ? `key "${clash.name}" must differ from every PROXY_KEY and every upstream key` : undefined
  },
  ...(['metricsKey', 'adminKey'] as const).map((field) => (config: Config) => {
    const key = config[field]
    if (key && (config.upstreams.some((u) => u.keys.includes(key)) || config.proxyKeys.includes(key) || config.keys.some((k) => k.key === key))) {
      return `${SETTINGS[field].env} must differ from every upstream key and every proxy key`
    }
  }),
]
