import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig, type Env } from '../../../src/config/load'

const REAL = 'sk-test-upstream-0123456789'
const base: Env = { OPENAI_KEY: REAL, PROXY_KEY: 'proxy-key-1-of-the-tests' }

/** loadConfig must throw a ConfigError; returns it for inspection. */
function configError(env: Env): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('loadConfig did not throw')
}

describe('loadConfig defaults', () => {
  test('only the two keys set: every other setting has its documented default', () => {
    expect(loadConfig(base)).toEqual({
      openaiKey: REAL,
      proxyKeys: ['proxy-key-1-of-the-tests'],
      configFile: undefined,
      proxyConfig: undefined,
      upstreamAttempts: 3,
      embeddingWaitMs: 300,
      baseUrl: 'https://api.openai.com/v1',
      port: 7860,
      host: '0.0.0.0',
      modelRateLimit: 4,
      maxOutputTokens: 300,
      cache: {
        allowed: true,
        skipWord: '/skip_cache ',
        similarityThreshold: 0.8,
        context: 'full',
        ttlSeconds: 604_800,
        maxEntries: 100_000,
        searchExpansion: 64,
      },
      // Without EMBEDDING_BASE_URL the cache's embeddings go through the upstream pool.
      embedding: { model: 'text-embedding-3-small', baseUrl: undefined, key: undefined },
      upstreamTimeoutMs: 120_000,
      maxBodySize: 16 * 1024 * 1024,
      trustProxy: 0,
      maxN: 1,
      responsesTtlMs: 30 * 86_400_000,
      dataDir: './data',
      corsOrigins: '*',
      metricsKey: undefined,
      adminKey: undefined,
      modelPrices: {},
      upstreams: [{ name: 'default', baseUrl: 'https://api.openai.com/v1', provider: 'openai', keys: [REAL], models: ['*'], modelMap: {}, priority: 0, weight: 1 }],
      keys: [],
      notes: [],
    })
  })

  test('operations settings: METRICS_KEY, ADMIN_KEY, MODEL_PRICES', () => {
    const config = loadConfig({ ...base, METRICS_KEY: 'm-key', ADMIN_KEY: 'a-key', MODEL_PRICES: '{"my-model":{"input":1,"output":2}}' })
    expect(config.metricsKey).toBe('m-key')
    expect(config.adminKey).toBe('a-key')
    expect(config.modelPrices).toEqual({ 'my-model': { input: 1, output: 2 } })
    const error = (() => {
      try {
        loadConfig({ ...base, MODEL_PRICES: '{"m":{"input":"cheap"}}', ADMIN_KEY: 'proxy-key-1-of-the-tests' })
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(error?.problems.some((p) => p.startsWith('MODEL_PRICES'))).toBe(true)
    expect(error?.problems.some((p) => p.startsWith('ADMIN_KEY'))).toBe(true)
  })

  test('the skip word keeps its trailing space', () => {
    const { skipWord } = loadConfig(base).cache
    expect(skipWord).toBe('/skip_cache ')
    expect(skipWord.length).toBe(12)
    expect(skipWord.endsWith(' ')).toBe(true)
  })

  // Guards a fixed bug (round 1 read `env.CACHE_SKIP_WORD ?? '/skip_cache '`): unlike every other setting, a blank
  // CACHE_SKIP_WORD (e.g. `CACHE_SKIP_WORD=` in .env) was taken literally as '', and every message starts with ''.
  // Per DESIGN §1 such a message bypasses the lookup and its answer replaces the cached one: the cache silently
  // never serves a hit. Expected: blank means unset (the default), or a ConfigError.
  test('a blank CACHE_SKIP_WORD does not become the empty word', () => {
    let skipWord: string | undefined
    try {
      skipWord = loadConfig({ ...base, CACHE_SKIP_WORD: '' }).cache.skipWord
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError) // refusing to start is acceptable too
      return
    }
    expect(skipWord).not.toBe('')
  })

  test('a custom CACHE_SKIP_WORD is taken as written, spaces included', () => {
    expect(loadConfig({ ...base, CACHE_SKIP_WORD: '!fresh ' }).cache.skipWord).toBe('!fresh ')
  })

  test('blank values count as unset', () => {
    const config = loadConfig({ ...base, PORT: '', HOST: '   ', MODEL_RATE_LIMIT: ' ', DATA_DIR: '' })
    expect(config.port).toBe(7860)
    expect(config.host).toBe('0.0.0.0')
    expect(config.modelRateLimit).toBe(4)
    expect(config.dataDir).toBe('./data')
  })

  test('explicit values are read and trimmed', () => {
    const config = loadConfig({
      ...base,
      PORT: ' 8080 ',
      HOST: '127.0.0.1',
      MODEL_RATE_LIMIT: '0',
      MAX_OUTPUT_TOKENS: '0',
      CACHE_ALLOWED: 'off',
      CACHE_CONTEXT: 'LAST',
      CACHE_SIMILARITY_THRESHOLD: '0.95',
      CACHE_TTL_SECONDS: '60',
      CACHE_MAX_ENTRIES: '10',
      UPSTREAM_TIMEOUT_MS: '5000',
      TRUST_PROXY: '2',
      DATA_DIR: '/data',
    })
    expect(config.port).toBe(8080)
    expect(config.host).toBe('127.0.0.1')
    expect(config.modelRateLimit).toBe(0)
    expect(config.maxOutputTokens).toBe(0)
    expect(config.cache.allowed).toBe(false)
    expect(config.cache.context).toBe('last')
    expect(config.cache.similarityThreshold).toBe(0.95)
    expect(config.cache.ttlSeconds).toBe(60)
    expect(config.cache.maxEntries).toBe(10)
    expect(config.upstreamTimeoutMs).toBe(5000)
    expect(config.trustProxy).toBe(2)
    expect(config.dataDir).toBe('/data')
  })
})

describe('keys', () => {
  test('OPENAI_API_KEY is an alias of OPENAI_KEY', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-alias-key-123456', PROXY_KEY: 'p' })
    expect(config.openaiKey).toBe('sk-alias-key-123456')
    expect(config.upstreams[0]!.keys).toEqual(['sk-alias-key-123456'])
  })

  test('OPENAI_KEY wins over the alias; a blank OPENAI_KEY falls back to it', () => {
    expect(loadConfig({ OPENAI_KEY: 'sk-primary', OPENAI_API_KEY: 'sk-alias', PROXY_KEY: 'p' }).openaiKey).toBe('sk-primary')
    expect(loadConfig({ OPENAI_KEY: '', OPENAI_API_KEY: 'sk-alias', PROXY_KEY: 'p' }).openaiKey).toBe('sk-alias')
  })

  test('missing upstream key is a problem that names both variables', () => {
    const error = configError({ PROXY_KEY: 'p' })
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]).toContain('OPENAI_KEY')
    expect(error.problems[0]).toContain('OPENAI_API_KEY')
  })

  test('PROXY_KEY is comma-separated and trimmed; empty entries dropped', () => {
    expect(loadConfig({ ...base, PROXY_KEY: ' alpha , beta,,gamma ,' }).proxyKeys).toEqual(['alpha', 'beta', 'gamma'])
  })

  test('missing PROXY_KEY stops the start with a message explaining how to set it', () => {
    for (const proxyKey of [undefined, '', ' , ,']) {
      const error = configError({ OPENAI_KEY: REAL, PROXY_KEY: proxyKey })
      expect(error.name).toBe('ConfigError')
      expect(error.problems).toHaveLength(1)
      const [problem] = error.problems
      expect(problem).toContain('PROXY_KEY is required')
      expect(problem).toContain('open relay')
      expect(problem).toContain('comma-separated')
      expect(problem).toContain('PROXY_KEY=$(openssl rand -hex 24)')
      expect(error.message).toStartWith('proxy-gpt cannot start, one setting needs fixing:\n  - PROXY_KEY is required')
      expect(error.message).toContain('Set them as environment variables or in a .env file')
    }
  })

  test('a PROXY_KEY equal to the upstream key is rejected', () => {
    const error = configError({ OPENAI_KEY: REAL, PROXY_KEY: `client-1, ${REAL}` })
    expect(error.problems).toEqual(['PROXY_KEY must differ from OPENAI_KEY: clients would hold the real key'])
    // Through the alias as well.
    const viaAlias = configError({ OPENAI_API_KEY: REAL, PROXY_KEY: REAL })
    expect(viaAlias.problems).toHaveLength(1)
    expect(viaAlias.problems[0]).toContain('PROXY_KEY must differ')
    // The message must not print the key it is complaining about.
    expect(viaAlias.message).not.toContain(REAL)
  })

  test('no key material appears in a ConfigError', () => {
    const error = configError({ OPENAI_KEY: REAL, PROXY_KEY: 'secret-proxy-key', PORT: 'abc' })
    expect(error.message).not.toContain(REAL)
    expect(error.message).not.toContain('secret-proxy-key')
  })
})

describe('TRUST_PROXY', () => {
  test('0 by default, 1 by default on a Hugging Face Space (SPACE_ID set), an explicit value always wins', () => {
    expect(loadConfig(base).trustProxy).toBe(0)
    expect(loadConfig({ ...base, SPACE_ID: 'user/space' }).trustProxy).toBe(1)
    expect(loadConfig({ ...base, SPACE_ID: 'user/space', TRUST_PROXY: '0' }).trustProxy).toBe(0)
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2)
  })

  test('the Dockerfile does not set it', async () => {
    const dockerfile = await Bun.file(new URL('../../../Dockerfile', import.meta.url)).text()
    const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'))
    expect(instructions.join('\n')).not.toMatch(/TRUST_PROXY/)
  })
})

describe('MAX_N', () => {
  test('1 by default; a whole number of at least 1', () => {
    expect(loadConfig(base).maxN).toBe(1)
    expect(loadConfig({ ...base, MAX_N: '4' }).maxN).toBe(4)
    expect(() => loadConfig({ ...base, MAX_N: '0' })).toThrow(/MAX_N/)
  })
})

describe('RESPONSES_TTL', () => {
  test.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['3600s', 3_600_000],
    ['3600', 3_600_000],
    [' 2 D ', 2 * 86_400_000],
    ['1', 1000],
    ['0', 'rejected'],
    ['0d', 'rejected'],
    ['1.5h', 'rejected'],
    ['-1d', 'rejected'],
    ['30 days', 'rejected'],
    ['1w', 'rejected'],
    ['soon', 'rejected'],
    ['99999999999999999d', 'rejected'],
  ] as const)('%p → %p', (raw, ms) => {
    if (ms === 'rejected') {
      const error = configError({ ...base, RESPONSES_TTL: raw })
      expect(error.problems).toEqual([`RESPONSES_TTL="${raw}" must be a duration of at least 1s, like 30d, 12h, 90m, 3600s or 3600 (seconds)`])
    } else {
      expect(loadConfig({ ...base, RESPONSES_TTL: raw }).responsesTtlMs).toBe(ms)
    }
  })
})

describe('bad values', () => {
  test('several bad values give ONE ConfigError listing every one', () => {
    const env: Env = {
      OPENAI_KEY: REAL,
      // PROXY_KEY missing
      PORT: 'abc',
      MODEL_RATE_LIMIT: '-1',
      MAX_OUTPUT_TOKENS: '1.5',
      CACHE_ALLOWED: 'maybe',
      CACHE_CONTEXT: 'everything',
      CACHE_SIMILARITY_THRESHOLD: '1.5',
      CACHE_TTL_SECONDS: '0',
      UPSTREAM_TIMEOUT_MS: 'soon',
      MAX_BODY_SIZE: '10',
      TRUST_PROXY: '101',
      OPENAI_BASE_URL: 'ftp://example.com/v1',
      EMBEDDING_BASE_URL: 'not a url',
    }
    const names = [
      'PROXY_KEY',
      'PORT',
      'MODEL_RATE_LIMIT',
      'MAX_OUTPUT_TOKENS',
      'CACHE_ALLOWED',
      'CACHE_CONTEXT',
      'CACHE_SIMILARITY_THRESHOLD',
      'CACHE_TTL_SECONDS',
      'UPSTREAM_TIMEOUT_MS',
      'MAX_BODY_SIZE',
      'TRUST_PROXY',
      'OPENAI_BASE_URL',
      'EMBEDDING_BASE_URL',
    ]
    const error = configError(env)
    expect(error.problems).toHaveLength(names.length)
    for (const name of names) {
      expect(error.problems.filter((p) => p.startsWith(name)).length).toBe(1)
    }
    expect(error.message).toStartWith(`proxy-gpt cannot start, ${names.length} settings need fixing:\n`)
    for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`)
  })

  test('each problem says what is expected', () => {
    const error = configError({ ...base, PORT: '70000', CACHE_CONTEXT: 'Everything' })
    expect(error.problems).toEqual([
      'PORT="70000" must be a whole number from 0 to 65535',
      'CACHE_CONTEXT="everything" must be full or last',
    ])
  })
})

describe('MAX_BODY_SIZE', () => {
  test.each([
    ['1mb', 1024 * 1024],
    ['1MB', 1024 * 1024],
    ['2048', 2048],
    ['1024', 1024],
    ['64kb', 64 * 1024],
    ['1.5k', 1536],
    [' 2 gb ', 2 * 1024 ** 3],
    ['100b', 'rejected'],
    ['1000', 'rejected'],
    ['lots', 'rejected'],
    ['5tb', 'rejected'],
    ['-1mb', 'rejected'],
  ] as const)('%p → %p', (raw, bytes) => {
    if (bytes === 'rejected') {
      const error = configError({ ...base, MAX_BODY_SIZE: raw })
      expect(error.problems).toHaveLength(1)
      expect(error.problems[0]).toStartWith(`MAX_BODY_SIZE="${raw}"`)
    } else {
      expect(loadConfig({ ...base, MAX_BODY_SIZE: raw }).maxBodySize).toBe(bytes)
    }
  })
})

describe('URLs', () => {
  test('trailing slashes of OPENAI_BASE_URL are removed', () => {
    expect(loadConfig({ ...base, OPENAI_BASE_URL: 'https://example.com/v1/' }).baseUrl).toBe('https://example.com/v1')
    expect(loadConfig({ ...base, OPENAI_BASE_URL: ' http://localhost:11434/v1/// ' }).baseUrl).toBe('http://localhost:11434/v1')
  })

  test('without EMBEDDING_BASE_URL embeddings go through the pool; with it, EMBEDDING_KEY defaults to the first OPENAI_KEY', () => {
    const config = loadConfig({ ...base, OPENAI_BASE_URL: 'https://llm.example.com/openai/v1/' })
    expect(config.embedding).toEqual({ model: 'text-embedding-3-small', baseUrl: undefined, key: undefined })
    expect(config.upstreams[0]!.baseUrl).toBe('https://llm.example.com/openai/v1')
    const own = loadConfig({ ...base, OPENAI_KEY: `${REAL}, sk-second-key-0000`, EMBEDDING_BASE_URL: 'https://embed.example.com/v1' })
    expect(own.embedding).toEqual({ model: 'text-embedding-3-small', baseUrl: 'https://embed.example.com/v1', key: REAL })
  })

  test('EMBEDDING_* override the upstream ones', () => {
    const config = loadConfig({
      ...base,
      OPENAI_BASE_URL: 'https://llm.example.com/v1',
      EMBEDDING_BASE_URL: 'https://api.openai.com/v1/',
      EMBEDDING_KEY: ' sk-embed-key ',
      EMBEDDING_MODEL: 'text-embedding-3-large',
    })
    expect(config.baseUrl).toBe('https://llm.example.com/v1')
    expect(config.embedding).toEqual({ model: 'text-embedding-3-large', baseUrl: 'https://api.openai.com/v1', key: 'sk-embed-key' })
  })
})

describe('CORS_ORIGINS', () => {
  test('a comma-separated list is parsed and trimmed', () => {
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://a.example, https://b.example ,, chrome-extension://abc' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
      'chrome-extension://abc',
    ])
  })

  test('"*" anywhere, or nothing, means any origin', () => {
    expect(loadConfig({ ...base, CORS_ORIGINS: '*' }).corsOrigins).toBe('*')
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://a.example, *' }).corsOrigins).toBe('*')
    expect(loadConfig({ ...base, CORS_ORIGINS: ' , ' }).corsOrigins).toBe('*')
  })
})
