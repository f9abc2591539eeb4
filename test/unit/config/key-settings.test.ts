import { describe, expect, test } from 'bun:test'
import { ALLOW_WORDS, BUDGET_PERIODS, parseExpiry, readKeySettings, type KeySettings } from '../../../src/config/key-settings'
import { API_GROUPS } from '../../../src/openai/endpoints'

// The settings of a named key (DESIGN §1.2 `keys:`, and the body of POST/PATCH /admin/keys): every field's
// valid and invalid values, every problem prefixed by the label, all of them listed at once.

const LABEL = 'PROXY_CONFIG: key "alice"'

function read(raw: Record<string, unknown>): { settings?: KeySettings; problems: string[] } {
  const problems: string[] = []
  const settings = readKeySettings(raw, LABEL, problems)
  return { settings, problems }
}

/** The one problem `raw` has; fails when it has none or several. */
function problemOf(raw: Record<string, unknown>): string {
  const { settings, problems } = read(raw)
  expect(settings).toBeUndefined()
  expect(problems).toHaveLength(1)
  expect(problems[0]!.startsWith(`${LABEL}: `)).toBe(true)
  return problems[0]!
}

describe('readKeySettings: nothing set', () => {
  test('no settings: an empty object, no problem (the proxy defaults apply)', () => {
    expect(read({})).toEqual({ settings: {}, problems: [] })
  })

  test('fields that are not settings (name, key) are the caller’s: ignored here', () => {
    expect(read({ name: 'alice', key: 'whatever-0123456789' })).toEqual({ settings: {}, problems: [] })
  })

  test('null is the same as absent (PATCH uses it to take a setting back)', () => {
    const raw = { rate_limit: null, max_output_tokens: null, budget: null, models: null, allow: null, cache: null, expires: null, ips: null }
    expect(read(raw)).toEqual({ settings: {}, problems: [] })
  })
})

describe('rate_limit and max_output_tokens', () => {
  test.each(['rate_limit', 'max_output_tokens'])('%s: whole numbers from 0 (0 = no limit)', (field) => {
    for (const value of [0, 1, 20, 100000]) expect(read({ [field]: value })).toEqual({ settings: { [field]: value }, problems: [] })
  })

  test.each(['rate_limit', 'max_output_tokens'])('%s: negative, fractional, text, booleans and lists are refused', (field) => {
    for (const value of [-1, 1.5, '20', true, [20], { n: 1 }, Number.NaN]) {
      expect(problemOf({ [field]: value })).toBe(`${LABEL}: ${field} must be a whole number, 0 or more (0 = no limit)`)
    }
  })
})

describe('budget', () => {
  test.each(BUDGET_PERIODS.map((per) => [per]))('{ usd, per: %s } and { tokens, per: %s }', (per) => {
    expect(read({ budget: { usd: 5, per } }).settings).toEqual({ budget: { usd: 5, per } })
    expect(read({ budget: { tokens: 200000, per } }).settings).toEqual({ budget: { tokens: 200000, per } })
  })

  test('the periods are day, week, month and total', () => {
    expect([...BUDGET_PERIODS].sort()).toEqual(['day', 'month', 'total', 'week'])
  })

  test('a fraction of a dollar is a budget', () => {
    expect(read({ budget: { usd: 0.25, per: 'day' } }).settings).toEqual({ budget: { usd: 0.25, per: 'day' } })
  })

  test.each([
    ['a number', 5],
    ['a string', '5 usd'],
    ['a list', [5, 'month']],
    ['neither usd nor tokens', { per: 'month' }],
    ['both usd and tokens', { usd: 5, tokens: 1000, per: 'month' }],
    ['an unknown field', { usd: 5, per: 'month', cap: 1 }],
    ['a misspelled field', { dollars: 5, per: 'month' }],
  ])('%s is not a budget', (_name, budget) => {
    expect(problemOf({ budget })).toBe(`${LABEL}: budget must be { usd: N, per: … } or { tokens: N, per: … }`)
  })

  test.each([[0], [-1], ['5'], [Number.NaN], [true]])('usd %p must be a number above 0', (usd) => {
    expect(problemOf({ budget: { usd, per: 'month' } })).toBe(`${LABEL}: budget.usd must be a number above 0`)
  })

  test.each([[0], [-5], [1.5], ['1000']])('tokens %p must be a whole number above 0', (tokens) => {
    expect(problemOf({ budget: { tokens, per: 'day' } })).toBe(`${LABEL}: budget.tokens must be a whole number above 0`)
  })

  test.each([['year'], ['Month'], [''], [undefined], [30]])('per %p is refused, naming the periods', (per) => {
    expect(problemOf({ budget: { usd: 5, per } })).toBe(`${LABEL}: budget.per must be one of day, week, month, total`)
  })
})

describe('models', () => {
  test('a list of globs', () => {
    expect(read({ models: ['gpt-4o-mini', 'deepseek-*', 'o?-mini', '*'] }).settings).toEqual({ models: ['gpt-4o-mini', 'deepseek-*', 'o?-mini', '*'] })
  })

  test.each([
    ['an empty list', []],
    ['a bare string', 'gpt-*'],
    ['a mapping', { gpt: true }],
  ])('%s is not a list of models', (_name, models) => {
    expect(problemOf({ models })).toBe(`${LABEL}: models must be a non-empty list`)
  })

  test('bad patterns are each named: brackets, braces, spaces, empty, not text', () => {
    const { settings, problems } = read({ models: ['gpt-[45]o', 'gpt-{a,b}', 'gpt 4o', '', 42, 'fine-*'] })
    expect(settings).toBeUndefined()
    expect(problems).toHaveLength(5)
    for (const problem of problems) expect(problem.startsWith(`${LABEL}: models: `)).toBe(true)
    expect(problems[0]).toContain('"gpt-[45]o" is not a model pattern')
    expect(problems[1]).toContain('"gpt-{a,b}" is not a model pattern')
    expect(problems[2]).toContain('"gpt 4o" is not a model pattern')
    expect(problems[3]).toBe(`${LABEL}: models: must be a non-empty string`)
    expect(problems[4]).toBe(`${LABEL}: models: must be a non-empty string`)
  })
})

describe('allow', () => {
  test('the words are the API groups of §1.3 (Anthropic messages among them) and `all`', () => {
    expect([...ALLOW_WORDS].sort()).toEqual([
      ...['chat', 'completions', 'embeddings', 'models', 'responses', 'messages'],
      ...['files', 'uploads', 'batches', 'images', 'audio', 'videos', 'moderations', 'fine_tuning', 'evals'],
      ...['vector_stores', 'assistants', 'threads', 'containers', 'realtime'],
      'all',
    ].sort())
  })

  test.each([...API_GROUPS, 'all'].map((word) => [word]))('%s alone is a valid allow list', (word) => {
    expect(read({ allow: [word] })).toEqual({ settings: { allow: [word] }, problems: [] })
  })

  test('several words together, `all` among them', () => {
    expect(read({ allow: ['chat', 'files', 'all'] }).settings).toEqual({ allow: ['chat', 'files', 'all'] })
  })

  test('an unknown word is refused, quoted, with the list of words', () => {
    const problem = problemOf({ allow: ['chat', 'chats'] })
    expect(problem.startsWith(`${LABEL}: allow: "chats" is not one of `)).toBe(true)
    for (const word of ALLOW_WORDS) expect(problem).toContain(word)
  })

  test('words are exact: another case or a path is refused', () => {
    expect(read({ allow: ['Chat'] }).problems).toHaveLength(1)
    expect(read({ allow: ['/v1/chat/completions'] }).problems).toHaveLength(1)
    expect(read({ allow: [7] }).problems).toHaveLength(1)
  })

  test.each([[[]], ['chat'], [{ chat: true }]])('%p is not a list of words', (allow) => {
    expect(problemOf({ allow })).toBe(`${LABEL}: allow must be a non-empty list`)
  })
})

describe('cache', () => {
  test.each([['private'], ['shared'], ['team'], ['team-a_2'], ['x'.repeat(64)]])('%s is a cache word', (cache) => {
    expect(read({ cache })).toEqual({ settings: { cache }, problems: [] })
  })

  test.each([['two words'], [''], ['team.a'], ['x'.repeat(65)], [5], [['shared']], [true]])('%p is refused', (cache) => {
    expect(problemOf({ cache })).toBe(`${LABEL}: cache must be private, shared or a group name (letters, digits, - and _)`)
  })
})

describe('expires', () => {
  test.each([
    ['a date: the start of that UTC day', '2027-01-01', '2027-01-01T00:00:00.000Z'],
    ['a UTC time', '2027-01-01T12:00:00Z', '2027-01-01T12:00:00.000Z'],
    ['a time without a zone: read as UTC', '2027-01-01T12:00:00', '2027-01-01T12:00:00.000Z'],
    ['a time with an offset: converted to UTC', '2027-01-01T12:00:00+02:00', '2027-01-01T10:00:00.000Z'],
    ['milliseconds kept', '2027-06-15T08:30:00.250Z', '2027-06-15T08:30:00.250Z'],
    ['spaces around it', '  2027-01-01 ', '2027-01-01T00:00:00.000Z'],
  ])('%s', (_name, value, iso) => {
    expect(parseExpiry(value)).toBe(iso)
    expect(read({ expires: value })).toEqual({ settings: { expires: iso }, problems: [] })
  })

  test('a time without a zone is UTC whatever the host’s time zone (YAML’s space form too, or it is refused)', () => {
    const before = process.env.TZ
    process.env.TZ = 'Europe/Paris' // Bun applies a changed TZ at once
    try {
      expect(new Date(2027, 0, 1).toISOString()).toBe('2026-12-31T23:00:00.000Z') // the zone took effect
      expect(parseExpiry('2027-01-01T12:00:00')).toBe('2027-01-01T12:00:00.000Z')
      expect(parseExpiry('2027-01-01T12:00')).toBe('2027-01-01T12:00:00.000Z')
      expect(parseExpiry('2027-01-01')).toBe('2027-01-01T00:00:00.000Z')
      // `expires: 2027-01-01 12:00:00` is a YAML timestamp as people write it: never read as local time.
      expect([undefined, '2027-01-01T12:00:00.000Z']).toContain(parseExpiry('2027-01-01 12:00:00'))
    } finally {
      if (before === undefined) delete process.env.TZ
      else process.env.TZ = before
    }
  })

  test('a Date (what a YAML parser may make of 2027-01-01) becomes its ISO string', () => {
    expect(parseExpiry(new Date(Date.UTC(2027, 0, 1)))).toBe('2027-01-01T00:00:00.000Z')
    expect(read({ expires: new Date(Date.UTC(2027, 0, 1, 6)) }).settings).toEqual({ expires: '2027-01-01T06:00:00.000Z' })
  })

  test.each([
    ['a word', 'tomorrow'],
    ['a year alone', '2027'],
    ['a month that does not exist', '2027-13-01'],
    ['a day that does not exist', '2027-02-30'],
    ['another order', '01/01/2027'],
    ['a timestamp number', 1798761600000],
    ['a boolean', true],
    ['an empty string', ''],
  ])('%s is refused', (_name, expires) => {
    expect(parseExpiry(expires)).toBeUndefined()
    expect(problemOf({ expires })).toBe(`${LABEL}: expires must be a date like 2027-01-01 or a time like 2027-01-01T12:00:00Z (UTC)`)
  })
})

describe('ips', () => {
  test('IPv4 and IPv6 ranges and addresses, trimmed', () => {
    expect(read({ ips: ['203.0.113.0/24', '2001:db8::/32', ' 198.51.100.7 '] }).settings).toEqual({ ips: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'] })
  })

  test('every bad entry is named', () => {
    const { settings, problems } = read({ ips: ['203.0.113.0/33', 'office', '10.0.0.0/8'] })
    expect(settings).toBeUndefined()
    expect(problems).toEqual([`${LABEL}: ips: "203.0.113.0/33" has a bad prefix length`, `${LABEL}: ips: "office" is not an address or CIDR range`])
  })

  test.each([[[]], ['203.0.113.0/24']])('%p is not a list', (ips) => {
    expect(problemOf({ ips })).toBe(`${LABEL}: ips must be a non-empty list`)
  })
})

describe('every field at once', () => {
  test("DESIGN §1.2's example reads as written", () => {
    const raw = {
      rate_limit: 20,
      max_output_tokens: 500,
      budget: { usd: 5, per: 'month' as const },
      models: ['gpt-4o-mini', 'deepseek-*'],
      allow: ['chat', 'completions', 'embeddings', 'responses', 'models'],
      cache: 'private',
      expires: '2027-01-01',
      ips: ['203.0.113.0/24'],
    }
    expect(read(raw)).toEqual({ settings: { ...raw, expires: '2027-01-01T00:00:00.000Z' }, problems: [] })
  })

  test('every bad field is a problem of its own, each prefixed, all listed in one go; no settings', () => {
    const { settings, problems } = read({
      rate_limit: -1,
      max_output_tokens: 'lots',
      budget: { usd: 5, per: 'year' },
      models: [],
      allow: ['everything'],
      cache: 'a b',
      expires: 'never',
      ips: ['office'],
    })
    expect(settings).toBeUndefined()
    expect(problems).toHaveLength(8)
    for (const problem of problems) expect(problem.startsWith(`${LABEL}: `)).toBe(true)
    for (const field of ['rate_limit', 'max_output_tokens', 'budget.per', 'models', 'allow', 'cache', 'expires', 'ips']) {
      expect(problems.some((p) => p.startsWith(`${LABEL}: ${field}`))).toBe(true)
    }
  })

  test('problems are added to those already listed, which do not make good settings bad', () => {
    const problems = ['an earlier problem']
    expect(readKeySettings({ rate_limit: 3 }, LABEL, problems)).toEqual({ rate_limit: 3 })
    expect(problems).toEqual(['an earlier problem'])
    expect(readKeySettings({ rate_limit: -3 }, LABEL, problems)).toBeUndefined()
    expect(problems).toHaveLength(2)
    expect(problems[0]).toBe('an earlier problem')
  })

  test('one bad field spoils the whole key (its good fields are not half-applied)', () => {
    expect(read({ rate_limit: 5, cache: 'a b' }).settings).toBeUndefined()
  })
})
