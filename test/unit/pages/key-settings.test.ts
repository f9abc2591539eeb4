import { describe, expect, test } from 'bun:test'
import { ALLOW_WORDS as SERVER_ALLOW_WORDS, BUDGET_PERIODS as SERVER_PERIODS, readKeySettings, type KeySettings } from '../../../src/config/key-settings'
import {
  ALLOW_GROUPS,
  ALLOW_WORDS,
  BUDGET_PERIODS,
  changesOf,
  createBody,
  DEFAULT_ALLOW,
  emptyForm,
  expiryOf,
  formOf,
  type KeyForm,
  type KeySettingsView,
  type KeyUsageView,
} from '../../../src/http/pages/app/console/key-settings'
import type { UsageReports } from '../../../src/limits/usage-report'
import { MODEL_GROUPS } from '../../../src/openai/endpoints'

// The console's key form ⇄ the admin API's key settings (DESIGN §1.2): what a filled form asks the API to
// make, which fields an edit sends (null for a cleared one), the expiry presets on an injected clock, and
// that the browser's copy of the settings' shape still matches the server's.

const NOW = Date.parse('2026-03-10T08:30:00Z')
const form = (changes: Partial<KeyForm> = {}): KeyForm => ({ ...emptyForm(), name: 'family', ...changes })

// Compile-time: the server's shapes fit the browser's mirror of them (npm run typecheck fails otherwise).
const settingsFit: KeySettingsView = {} as KeySettings
const usageFits: KeyUsageView = {} as Awaited<ReturnType<UsageReports['summary']>>
void [settingsFit, usageFits]

describe('the browser’s copy of the settings agrees with the server', () => {
  test('allow words, default groups and budget periods are the server’s', () => {
    expect(ALLOW_WORDS as string[]).toEqual([...SERVER_ALLOW_WORDS])
    expect(DEFAULT_ALLOW).toEqual([...MODEL_GROUPS])
    expect(BUDGET_PERIODS).toEqual([...SERVER_PERIODS])
  })

  test('no endpoint group is named with the word of the "Models" field, in either language', () => {
    for (const [en, zh] of Object.values(ALLOW_GROUPS)) {
      expect(en.toLowerCase()).not.toContain('models')
      expect(zh).not.toContain('模型')
    }
  })
})

describe('createBody: a new key’s form → POST /admin/keys', () => {
  test.each<[string, Partial<KeyForm>, Record<string, unknown>]>([
    ['only a name: every setting left to the proxy', {}, { name: 'family' }],
    ['name and own key value trimmed', { name: ' family ', key: ' mine-0123456789abcdef ' }, { name: 'family', key: 'mine-0123456789abcdef' }],
    ['rate limit and output cap as numbers', { rateLimit: '20', maxOutputTokens: ' 500 ' }, { name: 'family', rate_limit: 20, max_output_tokens: 500 }],
    ['0 is a value (no limit), not an empty field', { rateLimit: '0' }, { name: 'family', rate_limit: 0 }],
    ['a USD budget per month (the defaults of unit and period)', { budgetAmount: '5' }, { name: 'family', budget: { usd: 5, per: 'month' } }],
    ['a tokens budget per day', { budgetAmount: '200000', budgetUnit: 'tokens', budgetPer: 'day' }, { name: 'family', budget: { tokens: 200000, per: 'day' } }],
    ['unit and period without an amount: no budget', { budgetUnit: 'tokens', budgetPer: 'week' }, { name: 'family' }],
    ['models split on commas and new lines', { models: 'gpt-4o-mini, deepseek-*\n claude-*,,' }, { name: 'family', models: ['gpt-4o-mini', 'deepseek-*', 'claude-*'] }],
    ['the default groups ticked in another order: allow left unset', { allow: [...DEFAULT_ALLOW].reverse() }, { name: 'family' }],
    ['fewer groups: allow in the proxy’s order', { allow: ['embeddings', 'chat'] }, { name: 'family', allow: ['chat', 'embeddings'] }],
    ['every box off: an empty allow, for the API to refuse', { allow: [] }, { name: 'family', allow: [] }],
    ['cache private is the default: unset', { cache: 'private' }, { name: 'family' }],
    ['cache shared', { cache: 'shared', cacheGroup: 'ignored' }, { name: 'family', cache: 'shared' }],
    ['cache in a named group', { cache: 'group', cacheGroup: ' team ' }, { name: 'family', cache: 'team' }],
    ['expiry on a date', { expires: 'date', expiresOn: '2027-01-01' }, { name: 'family', expires: '2027-01-01' }],
    ['a date chosen but left empty goes to the API, not read as never', { expires: 'date', expiresOn: '' }, { name: 'family', expires: '' }],
    ['IP ranges split on commas and spaces', { ips: '203.0.113.0/24, 10.0.0.0/8\n2001:db8::/32' }, { name: 'family', ips: ['203.0.113.0/24', '10.0.0.0/8', '2001:db8::/32'] }],
    ['text that is not a number goes as it is, for the API to name the field', { rateLimit: 'many', budgetAmount: '-1' }, { name: 'family', rate_limit: 'many', budget: { usd: -1, per: 'month' } }],
  ])('%s', (_label, changes, body) => {
    expect(createBody(form(changes), NOW)).toEqual(body)
  })

  test('a fully filled form is a body the server’s own check accepts, unchanged', () => {
    const body = createBody(
      form({ rateLimit: '20', maxOutputTokens: '500', budgetAmount: '5', models: 'gpt-4o-mini', allow: ['chat', 'models'], cache: 'group', cacheGroup: 'team', expires: '30d', ips: '203.0.113.0/24' }),
      NOW
    )
    const problems: string[] = []
    const { name, ...settings } = body
    expect(readKeySettings(settings, 'key', problems)).toEqual({ ...settings, expires: '2026-04-09T08:30:00.000Z' } as KeySettings)
    expect(problems).toEqual([])
  })
})

describe('expiryOf: the presets on an injected clock', () => {
  test.each<[Parameters<typeof expiryOf>[0], string, string | undefined]>([
    ['never', '2027-01-01', undefined],
    ['1d', '', '2026-03-11T08:30:00.000Z'],
    ['7d', '', '2026-03-17T08:30:00.000Z'],
    ['30d', '', '2026-04-09T08:30:00.000Z'],
    ['90d', '', '2026-06-08T08:30:00.000Z'],
    ['date', ' 2027-01-01 ', '2027-01-01'],
  ])('%s', (choice, on, expected) => {
    expect(expiryOf(choice, on, NOW)).toBe(expected)
  })
})

describe('formOf: an existing key’s settings fill the form back', () => {
  const full: KeySettingsView & { name: string } = {
    name: 'family',
    rate_limit: 20,
    max_output_tokens: 0,
    budget: { tokens: 1000, per: 'week' },
    models: ['gpt-4o-mini', 'deepseek-*'],
    allow: ['embeddings', 'chat'],
    cache: 'team',
    expires: '2027-01-01T00:00:00.000Z',
    ips: ['203.0.113.0/24'],
  }

  test('every field', () => {
    expect(formOf(full)).toEqual({
      name: 'family',
      key: '',
      rateLimit: '20',
      maxOutputTokens: '0',
      budgetAmount: '1000',
      budgetUnit: 'tokens',
      budgetPer: 'week',
      models: 'gpt-4o-mini, deepseek-*',
      allow: ['chat', 'embeddings'],
      cache: 'group',
      cacheGroup: 'team',
      expires: 'date',
      expiresOn: '2027-01-01',
      ips: '203.0.113.0/24',
    })
  })

  test('a key with nothing set is the empty form', () => {
    expect(formOf({ name: 'family' })).toEqual(form())
  })

  test.each([['private'], ['shared']])('cache %s is that choice, not a group', (cache) => {
    expect(formOf({ name: 'family', cache })).toMatchObject({ cache, cacheGroup: '' })
  })

  test('made back into a body, the settings come out as they went in (a midnight expiry as its day)', () => {
    const { name, ...settings } = full
    expect(createBody(formOf(full), NOW)).toEqual({ name, ...settings, allow: ['chat', 'embeddings'], expires: '2027-01-01' })
  })
})

describe('changesOf: an edit → PATCH /admin/keys/{name}', () => {
  const before: KeySettingsView & { name: string } = {
    name: 'family',
    rate_limit: 20,
    budget: { usd: 5, per: 'month' },
    models: ['gpt-4o-mini'],
    cache: 'shared',
    expires: '2027-01-01T12:00:00.000Z',
    ips: ['203.0.113.0/24'],
  }
  const edit = (changes: Partial<KeyForm>) => changesOf(formOf(before), { ...formOf(before), ...changes }, NOW)

  test.each<[string, Partial<KeyForm>, Record<string, unknown>]>([
    ['nothing touched: nothing sent (the 12:00 expiry is kept as it is)', {}, {}],
    ['a new rate limit only', { rateLimit: '10' }, { rate_limit: 10 }],
    ['a cleared rate limit: null, back to the default', { rateLimit: '' }, { rate_limit: null }],
    ['an output cap where there was none', { maxOutputTokens: '300' }, { max_output_tokens: 300 }],
    ['the same amount written differently: unchanged', { budgetAmount: '5.0' }, {}],
    ['the budget’s period', { budgetPer: 'day' }, { budget: { usd: 5, per: 'day' } }],
    ['the budget’s unit', { budgetUnit: 'tokens', budgetAmount: '9000' }, { budget: { tokens: 9000, per: 'month' } }],
    ['the budget cleared', { budgetAmount: '' }, { budget: null }],
    ['a refused amount is still sent', { budgetAmount: '-1' }, { budget: { usd: -1, per: 'month' } }],
    ['models changed', { models: 'gpt-4o-mini\ngpt-4o' }, { models: ['gpt-4o-mini', 'gpt-4o'] }],
    ['models cleared', { models: ' ' }, { models: null }],
    ['groups narrowed', { allow: ['chat'] }, { allow: ['chat'] }],
    ['cache back to private: null', { cache: 'private' }, { cache: null }],
    ['cache to a group', { cache: 'group', cacheGroup: 'team' }, { cache: 'team' }],
    ['the expiry to never: null', { expires: 'never' }, { expires: null }],
    ['another expiry date', { expiresOn: '2027-06-30' }, { expires: '2027-06-30' }],
    ['a preset from now', { expires: '7d' }, { expires: '2026-03-17T08:30:00.000Z' }],
    ['IP ranges cleared', { ips: '' }, { ips: null }],
    ['several at once', { rateLimit: '5', models: '', ips: '10.0.0.0/8' }, { rate_limit: 5, models: null, ips: ['10.0.0.0/8'] }],
  ])('%s', (_label, changes, patch) => {
    expect(edit(changes)).toEqual(patch)
  })

  test('a key with allow set back to the default groups: null', () => {
    const narrowed = formOf({ name: 'family', allow: ['chat'] })
    expect(changesOf(narrowed, { ...narrowed, allow: [...DEFAULT_ALLOW] }, NOW)).toEqual({ allow: null })
  })
})
