// A Prometheus histogram whose observation costs a Map probe and an array increment. prom-client's own
// hashes and validates the label set on every observe(), which cost a tenth of an exact hit's CPU; this one
// is keyed by a string the caller already has. prom-client's Registry still writes it out: it reads any
// registered metric through getForPromString(), in the same shape its own histograms give.

interface Series {
  labels: Record<string, string>
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  counts: number[]
  sum: number
  count: number
}

interface ValuePair {
  labels: Record<string, string | number>
  sharedLabels: Record<string, string>
  value: number
  metricName: string
}

export class CountedHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  private readonly series = new Map<string, Series>()

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[]
  ) {}

  /** `key` stands for the label set (the same key always comes with the same labels). */
  observe(key: string, labels: () => Record<string, string>, value: number) {
    let series = this.series.get(key)
    if (!series) this.series.set(key, (series = { labels: labels(), counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 }))
    let i = 0
    while (i < this.buckets.length && value > this.buckets[i]!) i++
    series.counts[i]!++
    series.sum += value
    series.count++
  }

  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ValuePair[] }> {
    const values: ValuePair[] = []
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0
      this.buckets.forEach((le, i) => {
        cumulative += counts[i]!
        values.push({ labels: { le }, sharedLabels: labels, value: cumulative, metricName: `${this.name}_bucket` })
      })
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${this.name}_bucket` })
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` })
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** The same, with each value's labels whole (what the Registry's JSON form reads). */
  async get() {
    const data = await this.getForPromString()
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...rest }) => ({
        ...rest,
        ...(rest.metricName.endsWith('_bucket') ? { exemplar: null } : {}),
        labels: { ...labels, ...sharedLabels },
      })),
    }
  }

  reset() {
    this.series.clear()
  }
}
