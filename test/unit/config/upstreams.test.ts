import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig } from '../../../src/config/load'
import { globMatcher, globProblem } from '../../../src/config/glob'

const KEY_A = 'sk-openai-key-aaaaaaaaaaaaaaaa'
const KEY_B = 'sk-openai-key-bbbbbbbbbbbbbbbb'
const KEY_D = 'sk-deepseek-key-dddddddddddddd'
const env = { PROXY_KEY: 'proxy-key-1-of-the-tests', OPENAI_KEY_A: KEY_A, OPENAI_KEY_B: KEY_B, DEEPSEEK_KEY: KEY_D }

const TWO = `
upstreams:
  - name: openai
    base_url: https://api.openai.com/v1/
    keys: ["\${OPENAI_KEY_A}", "\${OPENAI_KEY_B}"]
    models: ["gpt-*", "o*", "text-embedding-*"]
    priority: 0
    weight: 1
  - name: deepseek
    base_url: https://api.deepseek.com/v1
    keys: ["\${DEEPSEEK_KEY}"]
    models: ["deepseek-*", "fast"]
    model_map: { fast: deepseek-chat }
`

function problems(config: Record<string, string | undefined>): string[] {
  try {
    loadConfig(config)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('upstreams: of the config file', () => {
  test("DESIGN §1.2's example, with ${VAR} replaced from the environment and defaults filled in", () => {
    const config = loadConfig({ ...env, PROXY_CONFIG: TWO })
    expect(config.upstreams).toEqual([
      { name: 'openai', baseUrl: 'https://api.openai.com/v1', provider: 'openai', keys: [KEY_A, KEY_B], models: ['gpt-*', 'o*', 'text-embedding-*'], modelMap: {}, priority: 0, weight: 1 },
      { name: 'deepseek', baseUrl: 'https://api.deepseek.com/v1', provider: 'openai', keys: [KEY_D], models: ['deepseek-*', 'fast'], modelMap: { fast: 'deepseek-chat' }, priority: 0, weight: 1 },
    ])
    expect(config.notes).toEqual(['config: upstreams openai, deepseek from PROXY_CONFIG; OPENAI_KEY and OPENAI_BASE_URL are unused'])
  })

  test('CONFIG_FILE (a path) wins over PROXY_CONFIG', async () => {
    const path = `${require('node:os').tmpdir()}/proxy-gpt-config-${process.pid}.yaml`
    await Bun.write(path, TWO)
    const config = loadConfig({ ...env, CONFIG_FILE: path, PROXY_CONFIG: 'upstreams: []' })
    expect(config.upstreams.map((u) => u.name)).toEqual(['openai', 'deepseek'])
    expect(config.notes[0]).toContain(`CONFIG_FILE (${path})`)
  })

  test('without a file: the environment upstream, OPENAI_KEY a comma-separated list', () => {
    const config = loadConfig({ PROXY_KEY: 'p', OPENAI_KEY: ` ${KEY_A} , ${KEY_B},,${KEY_A}`, OPENAI_BASE_URL: 'https://api.example.com/v1' })
    expect(config.upstreams).toEqual([{ name: 'default', baseUrl: 'https://api.example.com/v1', provider: 'openai', keys: [KEY_A, KEY_B], models: ['*'], modelMap: {}, priority: 0, weight: 1 }])
  })

  test('with upstreams in the file, OPENAI_KEY is optional', () => {
    expect(() => loadConfig({ ...env, PROXY_CONFIG: TWO })).not.toThrow()
  })

  test('every problem is listed at once, and no key is ever quoted', () => {
    const bad = `
upstreams:
  - name: openai
    base_url: ftp://nowhere
    keys: ["\${OPENAI_KEY_A}", "\${MISSING_KEY}"]
    models: ["gpt-[4]", ""]
    colour: blue
  - name: openai
    base_url: https://b.example.com/v1
    keys: []
  - name: "has space"
    base_url: https://c.example.com/v1
    keys: ["${KEY_B}", "${KEY_B}"]
    priority: 1.5
    weight: 0
  - name: mapped
    base_url: https://d.example.com/v1
    keys: ["${KEY_D}"]
    models: ["deepseek-*"]
    model_map: { fast: deepseek-chat }
`
    const found = problems({ ...env, PROXY_CONFIG: bad })
    const text = found.join('\n')
    for (const expected of [
      'upstreams[0]: unknown field "colour"',
      'upstreams[0].keys[1]: ${MISSING_KEY} is not set',
      'upstream "openai": base_url must be an http(s) URL',
      'upstream "openai": models[0] "gpt-[4]" is not a model pattern',
      'upstream "openai": models[1] must be a non-empty string',
      'upstreams[1].name "openai" is used twice',
      'keys must be a non-empty list',
      'upstreams[2].name must be letters, digits, - and _',
      'a key is listed twice',
      'priority must be a whole number',
      'weight must be a number above 0',
      'upstream "mapped": model_map "fast" is not matched by its models patterns',
    ]) {
      expect(text).toContain(expected)
    }
    for (const key of [KEY_A, KEY_B, KEY_D]) for (let i = 0; i + 8 <= key.length; i++) expect(text).not.toContain(key.slice(i, i + 8))
  })

  test('not YAML, not a mapping, an unknown section, an unreadable path', () => {
    expect(problems({ ...env, OPENAI_KEY: KEY_A, PROXY_CONFIG: 'upstreams: [name: a' })[0]).toStartWith('PROXY_CONFIG is not valid YAML: line 1, column ')
    expect(problems({ ...env, PROXY_CONFIG: '- a\n- b' })[0]).toBe('PROXY_CONFIG must be a mapping with upstreams: and/or keys:')
    expect(problems({ ...env, OPENAI_KEY: KEY_A, PROXY_CONFIG: 'users: []' })).toEqual(['PROXY_CONFIG: unknown section "users" (upstreams: and keys: are what it may hold)'])
    expect(problems({ ...env, OPENAI_KEY: KEY_A, CONFIG_FILE: '/nonexistent/proxy.yaml' })).toEqual(['CONFIG_FILE (/nonexistent/proxy.yaml) cannot be read (ENOENT)'])
  })

  test('malformed YAML is pinpointed by line and column, without quoting the text', () => {
    const secret = 'sk-secret-in-the-file-0123456789'
    const cases: Array<[string, string]> = [
      [`upstreams:\n  - name: a\n    keys: [${secret}\n`, 'line 4, column 1: the indentation does not line up with the lines around it, or a bracket opened above is not closed'],
      [`keys:\n  - name: a\n    key: ${secret}\n   budget: 1\n`, 'line 4, column 1'],
      [`keys:\n\t- name: a\n`, 'line 2, column 1: a tab is used for indentation'],
    ]
    for (const [yaml, where] of cases) {
      const found = problems({ ...env, OPENAI_KEY: KEY_A, PROXY_CONFIG: yaml })
      expect(found).toHaveLength(1)
      expect(found[0]).toContain(`PROXY_CONFIG is not valid YAML: ${where}`)
      expect(found[0]).not.toContain(secret.slice(0, 8))
    }
  })

  test('a base URL without an API version in its path is warned about, key-free', () => {
    const noVersion = loadConfig({ PROXY_KEY: 'proxy-key-long-enough-123', OPENAI_KEY: KEY_A, OPENAI_BASE_URL: 'https://user:pw@api.example.com/openai?key=abc' })
    const warning = noVersion.notes.find((n) => n.includes('no API version'))!
    expect(warning).toContain('OPENAI_BASE_URL https://api.example.com/openai has no API version')
    expect(warning).not.toContain('pw')
    expect(warning).not.toContain('key=abc')
    for (const ok of ['https://api.openai.com/v1', 'https://generativelanguage.googleapis.com/v1beta/openai', 'https://ark.cn-beijing.volces.com/api/v3', 'http://localhost:11434/v1']) {
      expect(loadConfig({ PROXY_KEY: 'proxy-key-long-enough-123', OPENAI_KEY: KEY_A, OPENAI_BASE_URL: ok }).notes.some((n) => n.includes('no API version'))).toBe(false)
    }
    const file = loadConfig({ ...env, PROXY_CONFIG: TWO.replace('https://api.deepseek.com/v1', 'https://api.deepseek.com') })
    expect(file.notes.filter((n) => n.includes('no API version'))).toEqual([expect.stringContaining('upstream "deepseek": base_url https://api.deepseek.com has no API version')])
  })

  test('provider: openai when absent; openai named outright is the same', () => {
    expect(loadConfig({ ...env, PROXY_CONFIG: TWO }).upstreams.map((u) => u.provider)).toEqual(['openai', 'openai'])
    const named = loadConfig({ ...env, PROXY_CONFIG: TWO.replace('    base_url: https://api.deepseek.com/v1\n', '    base_url: https://api.deepseek.com/v1\n    provider: openai\n') })
    expect(named.upstreams.map((u) => u.provider)).toEqual(['openai', 'openai'])
  })

  test('provider: openai-chat is accepted and kept, beside the default openai', () => {
    const withProvider = (provider: string) => TWO.replace('    base_url: https://api.deepseek.com/v1\n', `    base_url: https://api.deepseek.com/v1\n    provider: ${provider}\n`)
    const config = loadConfig({ ...env, PROXY_CONFIG: withProvider('openai-chat') })
    expect(config.upstreams.map((u) => [u.name, u.provider])).toEqual([['openai', 'openai'], ['deepseek', 'openai-chat']])
    expect(config.upstreams[1]).toMatchObject({ baseUrl: 'https://api.deepseek.com/v1', keys: [KEY_D], modelMap: { fast: 'deepseek-chat' } })
  })

  test('provider: anthropic is accepted and kept: Anthropic itself and DeepSeek\'s Anthropic endpoint, base_url with its /v1', () => {
    const yaml = `
upstreams:
  - name: claude
    base_url: https://api.anthropic.com/v1
    provider: anthropic
    keys: ["\${OPENAI_KEY_A}"]
    models: ["claude-*"]
  - name: deepseek-anthropic
    base_url: https://api.deepseek.com/anthropic/v1
    provider: anthropic
    keys: ["\${DEEPSEEK_KEY}"]
    models: ["deepseek-*"]
`
    const config = loadConfig({ ...env, PROXY_CONFIG: yaml })
    expect(config.upstreams.map((u) => [u.name, u.provider, u.baseUrl])).toEqual([
      ['claude', 'anthropic', 'https://api.anthropic.com/v1'],
      ['deepseek-anthropic', 'anthropic', 'https://api.deepseek.com/anthropic/v1'],
    ])
    expect(config.notes.filter((n) => n.includes('no API version'))).toEqual([])
  })

  test('an anthropic base_url copied from ANTHROPIC_BASE_URL (no /v1) is warned about in Messages terms', () => {
    const yaml = `
upstreams:
  - name: deepseek-anthropic
    base_url: https://api.deepseek.com/anthropic
    provider: anthropic
    keys: ["\${DEEPSEEK_KEY}"]
`
    const warnings = loadConfig({ ...env, PROXY_CONFIG: yaml }).notes.filter((n) => n.includes('no API version'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('upstream "deepseek-anthropic": base_url https://api.deepseek.com/anthropic has no API version')
    expect(warnings[0]).toContain('requests go to https://api.deepseek.com/anthropic/messages')
    expect(warnings[0]).toContain('https://api.deepseek.com/anthropic/v1')
    expect(warnings[0]).toContain('ANTHROPIC_BASE_URL')
    expect(warnings[0]).not.toContain('/chat/completions')
  })

  test('provider: any other word is a problem naming the words allowed, never quoting a key', () => {
    const withProvider = (provider: string) => TWO.replace('    base_url: https://api.deepseek.com/v1\n', `    base_url: https://api.deepseek.com/v1\n    provider: ${provider}\n`)
    const allowed = 'must be one of openai, openai-chat, anthropic'
    expect(problems({ ...env, PROXY_CONFIG: withProvider('azure') })).toEqual([`PROXY_CONFIG: upstream "deepseek": provider "azure" ${allowed}`])
    expect(problems({ ...env, PROXY_CONFIG: withProvider('OpenAI') })).toEqual([`PROXY_CONFIG: upstream "deepseek": provider "OpenAI" ${allowed}`])
    expect(problems({ ...env, PROXY_CONFIG: withProvider('[openai]') })).toEqual([`PROXY_CONFIG: upstream "deepseek": provider ${allowed}`])
    const pasted = problems({ ...env, PROXY_CONFIG: withProvider('"${DEEPSEEK_KEY}"') })
    expect(pasted).toEqual([`PROXY_CONFIG: upstream "deepseek": provider (a name not shown: it may be a key) ${allowed}`])
  })

  test('a PROXY_KEY or ADMIN_KEY equal to a file upstream key is refused, naming the upstream, not the key', () => {
    const found = problems({ ...env, PROXY_KEY: KEY_D, ADMIN_KEY: KEY_A, PROXY_CONFIG: TWO })
    expect(found).toContain('PROXY_KEY must differ from every key of upstream "deepseek": clients would hold the real key')
    expect(found).toContain('ADMIN_KEY must differ from every upstream key and every proxy key')
  })
})

describe('model globs', () => {
  test('* any run, ? one character, everything else literal, whole name', () => {
    const match = globMatcher(['gpt-*', 'o?-mini', 'text-embedding-3-small', 'a.b'])
    for (const yes of ['gpt-4o', 'gpt-', 'o3-mini', 'o4-mini', 'text-embedding-3-small', 'a.b']) expect(match(yes)).toBe(true)
    for (const no of ['gpt4', 'xgpt-4', 'o33-mini', 'o3-mini-high', 'text-embedding-3-large', 'aXb']) expect(match(no)).toBe(false)
    expect(globMatcher(['*'])('anything at all')).toBe(true)
  })

  test('refused: empty, spaces, brackets, braces, not a string', () => {
    for (const bad of ['', 'gpt 4', 'gpt-[4]', 'gpt-{4,5}', 42]) expect(globProblem(bad)).toBeString()
    for (const good of ['gpt-*', 'deepseek-chat', 'qwen/qwen2.5:7b', 'o?']) expect(globProblem(good)).toBeUndefined()
  })
})
