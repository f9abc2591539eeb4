import { expect, test } from 'bun:test'
import type { UpstreamConfig } from '../../../src/config/upstreams'
import { pricedModel } from '../../../src/pipeline/priced-model'
import { MemoryKeyHealth } from '../../../src/state/memory/key-health'
import { UpstreamPool } from '../../../src/upstream/pool'

// Prices are kept by the names providers use: a client's alias (`fast`) is priced by its upstream's name
// for it, after model_map — the upstream that answered, or before that the first one serving it.

const upstream = (name: string, extra: Partial<UpstreamConfig>): UpstreamConfig => ({
  name,
  baseUrl: `http://${name}.test/v1`,
  provider: 'openai',
  keys: [`sk-${name}-key-0123456789`],
  models: ['*'],
  modelMap: {},
  priority: 0,
  weight: 1,
  ...extra,
})

const pool = new UpstreamPool(
  [
    upstream('backup', { models: ['fast', 'smart'], modelMap: { fast: 'deepseek/deepseek-chat' }, priority: 1 }),
    upstream('deepseek', { models: ['fast', 'deepseek-*'], modelMap: { fast: 'deepseek-chat' } }),
    upstream('anthropic', { models: ['smart', 'claude-*'], modelMap: { smart: 'claude-sonnet-4-5' } }),
  ],
  { health: new MemoryKeyHealth(), send: async () => new Response('{}'), attempts: 1, log: () => {} }
)

test('before an upstream answered: the name of the first upstream serving the model, by priority, then file order', () => {
  expect(pricedModel(pool, 'fast')).toBe('deepseek-chat')
  expect(pricedModel(pool, 'smart')).toBe('claude-sonnet-4-5')
  // Served, not mapped: its own name.
  expect(pricedModel(pool, 'deepseek-reasoner')).toBe('deepseek-reasoner')
  // Served by none: the client's name (the budget refuses it as unpriced, or routing as unknown).
  expect(pricedModel(pool, 'gpt-4o-mini')).toBe('gpt-4o-mini')
})

test('after: the name of the upstream that answered', () => {
  expect(pricedModel(pool, 'fast', 'backup')).toBe('deepseek/deepseek-chat')
  expect(pricedModel(pool, 'fast', 'deepseek')).toBe('deepseek-chat')
  expect(pricedModel(pool, 'claude-haiku-4-5', 'anthropic')).toBe('claude-haiku-4-5')
})
