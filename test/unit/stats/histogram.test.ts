import { describe, expect, test } from 'bun:test'
import { Histogram, Registry, type Metric } from 'prom-client'
import { CountedHistogram } from '../../../src/stats/histogram'

// The counted histogram must come out of prom-client's Registry exactly as prom-client's own would.

const BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 5]
const OBSERVATIONS: Array<[{ endpoint: string; cache: string }, number]> = [
  [{ endpoint: 'chat', cache: 'hit_exact' }, 0.001],
  [{ endpoint: 'chat', cache: 'hit_exact' }, 0.005], // on a bound: counted in it (le)
  [{ endpoint: 'chat', cache: 'miss' }, 0.3],
  [{ endpoint: 'embeddings', cache: 'miss' }, 7], // above every bound: +Inf only
  [{ endpoint: 'chat', cache: 'hit_exact' }, 0.02],
]

describe('CountedHistogram', () => {
  test('the same text and JSON as a prom-client Histogram given the same observations', async () => {
    const theirs = new Registry()
    const reference = new Histogram({ name: 'h_seconds', help: 'A histogram', labelNames: ['endpoint', 'cache'], buckets: BUCKETS, registers: [theirs] })
    const ours = new Registry()
    const counted = new CountedHistogram('h_seconds', 'A histogram', BUCKETS)
    ours.registerMetric(counted as unknown as Metric)
    for (const [labels, value] of OBSERVATIONS) {
      reference.observe(labels, value)
      counted.observe(`${labels.endpoint} ${labels.cache}`, () => labels, value)
    }
    expect(await ours.metrics()).toBe(await theirs.metrics())
    const json = async (r: Registry) => JSON.parse(JSON.stringify(await r.getMetricsAsJSON()))
    expect(await json(ours)).toEqual(await json(theirs))
    expect(await ours.metrics()).toContain('h_seconds_bucket{le="+Inf",endpoint="chat",cache="hit_exact"} 3')
  })

  test('reset empties it', async () => {
    const counted = new CountedHistogram('h', 'h', BUCKETS)
    counted.observe('a', () => ({ endpoint: 'chat' }), 1)
    counted.reset()
    expect((await counted.getForPromString()).values).toEqual([])
  })
})
