import { describe, expect, test } from 'bun:test'
import { authenticator } from '../../../src/auth/client-key'
import { KeyRing } from '../../../src/auth/key-ring'
import { ConfigError, loadConfig } from '../../../src/config/load'
import { MemoryKeys } from '../../../src/state/memory/keys'

// The `keys:` section of the config file (DESIGN §1.2), through loadConfig as the proxy reads it at start:
// every problem listed at once, and never a key (nor a piece of one) in the messages.

const ALICE = 'Zq7Lw2Xp9Rt4Vb6Nm3Kd'
const BOB = 'Hy5Cj8Ws1Fg6Tu3Qe0Pa'
const UPSTREAM = 'sk-Ob4Ix9Ml2Ev7YrKu6Na'
const PROXY = 'Gn3Dk8Sa5Wo1JtFy2Bh'
const env = { OPENAI_KEY: UPSTREAM, ALICE_KEY: ALICE, BOB_KEY: BOB }
/** With a PROXY_KEY, so a refused key is its own problem (without one, "PROXY_KEY is required" joins it). */
const withProxyKey = { ...env, PROXY_KEY: PROXY }

const yaml = (keys: string) => `keys:\n${keys}`

function problems(config: Record<string, string | undefined>): string[] {
  try {
    loadConfig(config)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    const { problems, message } = error as ConfigError
    // Whatever went wrong, no key value, nor any 8 characters of one, is in what the operator sees.
    for (const secret of [ALICE, BOB, UPSTREAM, PROXY, 'short-Vq2Xe', 'Mw4Rb7Tn1Zc5Lp8Hs2']) {
      for (let i = 0; i + 8 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 8))
    }
    return problems
  }
  throw new Error('expected a ConfigError')
}

describe('keys: accepted', () => {
  test('named keys with their settings, ${VAR} replaced, defaults left to the proxy', () => {
    const config = loadConfig({
      ...env,
      PROXY_CONFIG: yaml(`
  - name: alice
    key: "\${ALICE_KEY}"
    rate_limit: 20
    max_output_tokens: 500
    budget: { usd: 5, per: month }
    models: ["gpt-4o-mini", "deepseek-*"]
    allow: [chat, completions, embeddings, responses, models]
    cache: private
    expires: 2027-01-01
    ips: ["203.0.113.0/24"]
  - name: Bob_2-x
    key: "\${BOB_KEY}"
`),
    })
    expect(config.keys).toEqual([
      {
        name: 'alice',
        key: ALICE,
        settings: {
          rate_limit: 20,
          max_output_tokens: 500,
          budget: { usd: 5, per: 'month' },
          models: ['gpt-4o-mini', 'deepseek-*'],
          allow: ['chat', 'completions', 'embeddings', 'responses', 'models'],
          cache: 'private',
          expires: '2027-01-01T00:00:00.000Z',
          ips: ['203.0.113.0/24'],
        },
      },
      { name: 'Bob_2-x', key: BOB, settings: {} },
    ])
    // The start-up note names the keys, never their values.
    expect(config.notes.join('\n')).toContain('alice, Bob_2-x')
    expect(config.notes.join('\n')).not.toContain(ALICE)
  })

  test('a key written in the file itself (no variable) is taken as it is, trimmed', () => {
    const config = loadConfig({ ...env, PROXY_CONFIG: yaml(`  - { name: alice, key: "  ${ALICE}  " }\n`) })
    expect(config.keys[0]!.key).toBe(ALICE)
  })

  test('PROXY_KEY is optional when the file has keys', () => {
    const config = loadConfig({ ...env, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}" }\n') })
    expect(config.proxyKeys).toEqual([])
    expect(config.keys.map((k) => k.name)).toEqual(['alice'])
  })

  test('without PROXY_KEY and without keys the start is refused', () => {
    expect(problems({ OPENAI_KEY: UPSTREAM }).join('\n')).toContain('PROXY_KEY is required')
    expect(problems({ OPENAI_KEY: UPSTREAM, PROXY_CONFIG: 'upstreams:\n  - { name: a, base_url: "https://a.example/v1", keys: ["sk-a-0123456789abcdef"] }\n' }).join('\n')).toContain(
      'PROXY_KEY is required'
    )
  })

  test('the keys of PROXY_KEY beside the file: both kinds are accepted', async () => {
    const config = loadConfig({ ...env, PROXY_KEY: PROXY, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}", cache: team }\n') })
    expect(config.proxyKeys).toEqual([PROXY])
    expect(config.keys.map((k) => k.name)).toEqual(['alice'])
    const ring = await KeyRing.open(config, new MemoryKeys())
    const gate = authenticator(ring, config)
    const call = (key: string) => gate(new Request('http://proxy.local/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${key}` } }), '198.51.100.1')
    expect(call(PROXY)).toMatchObject({ name: undefined, cacheGroup: 'shared', id: 'ip:198.51.100.1' })
    expect(call(ALICE)).toMatchObject({ name: 'alice', cacheGroup: 'group:team', id: 'name:alice', hash: 'alice' })
    ring.close()
  })
})

describe('keys: refused, every problem listed', () => {
  test.each([
    ['a space', '"al ice"'],
    ['a dot', 'al.ice'],
    ['an empty name', '""'],
    ['65 characters', 'a'.repeat(65)],
    ['a number', '42'],
  ])('a name with %s', (_name, name) => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml(`  - { name: ${name}, key: "\${ALICE_KEY}" }\n`) })
    expect(found).toEqual(['PROXY_CONFIG: keys[0].name must be letters, digits, - and _ (at most 64)'])
  })

  test('a missing name', () => {
    expect(problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { key: "${ALICE_KEY}" }\n') })).toEqual(['PROXY_CONFIG: keys[0].name must be letters, digits, - and _ (at most 64)'])
  })

  test('64 characters is still a name', () => {
    expect(loadConfig({ ...withProxyKey, PROXY_CONFIG: yaml(`  - { name: ${'a'.repeat(64)}, key: "\${ALICE_KEY}" }\n`) }).keys).toHaveLength(1)
  })

  test('a name used twice', () => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}" }\n  - { name: alice, key: "${BOB_KEY}" }\n') })
    expect(found).toEqual(['PROXY_CONFIG: keys[1].name "alice" is used twice'])
  })

  test('the same key value under two names: named by the names, the value never shown', () => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}" }\n  - { name: bob, key: "${ALICE_KEY}" }\n') })
    expect(found).toHaveLength(1)
    expect(found[0]).toContain('key "bob"')
    expect(found[0]).toContain('"alice"')
  })

  test('a key shorter than 16 characters', () => {
    const found = problems({ ...withProxyKey, SHORT: 'short-Vq2Xe', PROXY_CONFIG: yaml('  - { name: alice, key: "${SHORT}" }\n') })
    expect(found).toEqual(['PROXY_CONFIG: key "alice": key must be at least 16 characters'])
  })

  test('no key at all', () => {
    expect(problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice }\n') })).toEqual([
      'PROXY_CONFIG: key "alice": key is required (write "${SOME_VARIABLE}" and set it in the environment)',
    ])
  })

  test('an unknown field', () => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}", colour: "${BOB_KEY}" }\n') })
    expect(found).toHaveLength(1)
    expect(found[0]).toContain('PROXY_CONFIG: keys[0]: unknown field')
    expect(found[0]).toContain('colour')
  })

  test('a ${VAR} that is not set names the variable and where it is used', () => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice, key: "${CAROL_KEY}" }\n') })
    expect(found.some((p) => p.includes('${CAROL_KEY} is not set in the environment') && p.includes('keys[0].key'))).toBe(true)
    const empty = problems({ ...withProxyKey, CAROL_KEY: '', PROXY_CONFIG: yaml('  - { name: alice, key: "${CAROL_KEY}" }\n') })
    expect(empty.some((p) => p.includes('${CAROL_KEY} is not set'))).toBe(true)
  })

  test('a bad setting is named with the key it belongs to', () => {
    const found = problems({ ...withProxyKey, PROXY_CONFIG: yaml('  - { name: alice, key: "${ALICE_KEY}", rate_limit: -1, ips: ["office"] }\n') })
    expect(found).toEqual([
      'PROXY_CONFIG: key "alice": rate_limit must be a whole number, 0 or more (0 = no limit)',
      'PROXY_CONFIG: key "alice": ips: "office" is not an address or CIDR range',
    ])
  })

  test('keys: that is not a list, or an entry that is not a mapping', () => {
    expect(problems({ ...withProxyKey, PROXY_CONFIG: 'keys: []\n' })).toContain('PROXY_CONFIG: keys: must be a list of keys (name, key, …)')
    expect(problems({ ...withProxyKey, PROXY_CONFIG: 'keys: { alice: x }\n' })).toContain('PROXY_CONFIG: keys: must be a list of keys (name, key, …)')
    expect(problems({ ...withProxyKey, PROXY_KEY: PROXY, PROXY_CONFIG: yaml('  - alice\n') })).toEqual(['PROXY_CONFIG: keys[0] must be a mapping'])
  })

  test('a named key equal to PROXY_KEY or to an upstream key is refused', () => {
    expect(problems({ ...withProxyKey, PROXY_KEY: PROXY, PXY: PROXY, PROXY_CONFIG: yaml('  - { name: alice, key: "${PXY}" }\n') })).toEqual([
      'key "alice" must differ from every PROXY_KEY and every upstream key',
    ])
    expect(problems({ ...withProxyKey, UP: UPSTREAM, PROXY_CONFIG: yaml('  - { name: alice, key: "${UP}" }\n') })).toEqual([
      'key "alice" must differ from every PROXY_KEY and every upstream key',
    ])
  })

  test('many broken keys: every problem of every key in one ConfigError', () => {
    const found = problems({
      ...env,
      SHORT: 'short-Vq2Xe',
      LONG: 'Mw4Rb7Tn1Zc5Lp8Hs2',
      PROXY_CONFIG: yaml(`
  - { name: alice, key: "\${ALICE_KEY}" }
  - { name: alice, key: "\${LONG}" }
  - { name: "bad name", key: "\${BOB_KEY}" }
  - { name: carol, key: "\${SHORT}", cache: "a b" }
  - { name: dave, key: "\${MISSING_KEY}", allow: [everything] }
  - { name: erin, key: "\${ALICE_KEY}", budget: { usd: 5, per: year } }
  - { name: frank, key: "\${LONG}", colour: red }
`),
    })
    const all = found.join('\n')
    expect(all).toContain('keys[1].name "alice" is used twice')
    expect(all).toContain('keys[2].name must be letters')
    expect(all).toContain('key "carol": key must be at least 16 characters')
    expect(all).toContain('key "carol": cache must be')
    expect(all).toContain('${MISSING_KEY} is not set')
    expect(all).toContain('key "dave": allow: "everything"')
    expect(all).toContain('key "erin": its key is the same as key "alice"')
    expect(all).toContain('key "erin": budget.per')
    expect(all).toContain('keys[6]: unknown field')
    expect(found.length).toBeGreaterThanOrEqual(9)
  })
})
