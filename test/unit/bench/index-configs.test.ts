// The pure half of the index-configuration sweep (issue 26 point 3, bench/index-configs.ts): configuration
// names, recall against the ground truth, the choice of a default, and the table it is reported in.

import { describe, expect, test } from 'bun:test'
import {
  type ConfigResult,
  configName,
  DEFAULT_CONFIGS,
  markdownTable,
  parseConfig,
  parseConfigList,
  recallAt1,
  recommend,
  type SearchPoint,
  SRC_CONFIG,
  truthSample,
} from '../../../bench/index-configs-report'

describe('configuration names', () => {
  test('a name reads back as the configuration it was made from', () => {
    expect(parseConfig('c32-e256-f16')).toEqual({ connectivity: 32, expansionAdd: 256, quantization: 'f16' })
    for (const name of DEFAULT_CONFIGS) expect(configName(parseConfig(name))).toBe(name)
  })

  test("the default sweep includes src's configuration, a denser graph and wider vectors", () => {
    const configs = parseConfigList(DEFAULT_CONFIGS.join(','))
    expect(configs.map(configName)).toContain(configName(SRC_CONFIG))
    expect(configs.some((c) => c.connectivity > SRC_CONFIG.connectivity)).toBe(true)
    expect(configs.some((c) => c.expansionAdd > SRC_CONFIG.expansionAdd)).toBe(true)
    expect(new Set(configs.map((c) => c.quantization))).toEqual(new Set(['i8', 'f16', 'f32']))
  })

  test("refuses what it cannot build exactly: unknown types, usearch's 0 = default, repeats", () => {
    expect(() => parseConfig('c32-e128-i4')).toThrow(/not an index configuration/)
    expect(() => parseConfig('32-128-i8')).toThrow(/not an index configuration/)
    expect(() => parseConfig('c0-e128-i8')).toThrow(/connectivity must be/)
    expect(() => parseConfig('c16-e0-i8')).toThrow(/connectivity must be/)
    expect(() => parseConfigList('c16-e128-i8, c16-e128-i8')).toThrow(/listed twice/)
  })
})

describe('recall@1 against the brute-force truth', () => {
  test('counts only the queries whose true nearest is known, first result against it', () => {
    expect(recallAt1([5, 6, 7, 99], [5, 0, 7])).toBeCloseTo(2 / 3)
    expect(recallAt1([1, 2], [1, 2])).toBe(1)
  })

  test('refuses fewer first results than known nearest', () => {
    expect(() => recallAt1([1], [1, 2])).toThrow()
    expect(() => recallAt1([], [])).toThrow()
  })

  test('the truth sample shrinks as the tier grows, never above the lookups', () => {
    expect(truthSample(10_000, 1000)).toBe(1000)
    expect(truthSample(100_000, 1000)).toBe(500)
    expect(truthSample(1_000_000, 1000)).toBe(300)
    expect(truthSample(1_000_000, 100)).toBe(100)
  })
})

const point = (expansion: number, recall: number, p99: number): SearchPoint => ({ expansion, p50: p99 / 2, p99, recallAt1: recall, recallAt16: recall })
const result = (config: string, rssMiB: number, points: SearchPoint[]): ConfigResult => ({
  config,
  tier: 1_000_000,
  build: { source: 'built', seconds: 600, fileMiB: rssMiB - 50, rssMiB },
  load: { checksumSeconds: 0.5, loadSeconds: 1.5, rssMiB },
  truthSample: 300,
  points,
})

describe('the proposed default', () => {
  test('of the points meeting the target, the one with the least memory', () => {
    const pick = recommend([
      result('c16-e128-i8', 1700, [point(64, 0.93, 1.5), point(256, 0.95, 3)]),
      result('c32-e128-f16', 3500, [point(64, 0.99, 1.2)]),
      result('c32-e128-i8', 1900, [point(64, 0.96, 1.6), point(128, 0.975, 2)]),
    ])
    expect(pick).toMatchObject({ config: 'c32-e128-i8', meetsTarget: true, point: { expansion: 128 } })
  })

  test('when none meets it, the highest recall whose p99 stays within 2 ms — a slower, better one does not count', () => {
    const pick = recommend([
      result('c16-e128-i8', 1700, [point(64, 0.93, 1.5), point(512, 0.99, 5)]),
      result('c32-e128-i8', 1900, [point(64, 0.95, 1.9)]),
    ])
    expect(pick).toMatchObject({ config: 'c32-e128-i8', meetsTarget: false, point: { expansion: 64 } })
  })

  test('nothing within the latency bound: no proposal', () => {
    expect(recommend([result('c16-e128-i8', 1700, [point(64, 0.99, 2.5)])])).toBeUndefined()
  })
})

describe('the table', () => {
  test('one row per configuration and beam; costs stated once per configuration, beside recall and p99', () => {
    const table = markdownTable([result('c16-e128-i8', 1700, [point(64, 0.93, 1.5), point(128, 0.94, 2.1)]), result('c32-e128-f16', 3500, [point(64, 0.99, 1.2)])])
    const rows = table.split('\n')
    expect(rows).toHaveLength(2 + 3)
    expect(rows[2]).toContain('**c16-e128-i8** | 600 s | 1650 MiB | 1700 MiB | 2.00 s (0.50 + 1.50) | 64 | 93.0% | 93.0% | 0.750 / 1.500 ms')
    expect(rows[3]).toStartWith('|  |  |  |  |  | 128 | 94.0%')
    expect(rows[4]).toContain('**c32-e128-f16**')
  })
})
