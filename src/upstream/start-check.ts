import { shownBaseUrl } from '../config/base-url'
import { describeError, type LogSink } from '../log/sink'
import { RECHECK_MS, type KeyCheck, type PoolUpstream, type UpstreamPool } from './pool'
import { unreachableCause } from './unreachable'

// The start-up check: each upstream is asked GET /models once with each of its keys, in the background,
// so that a wrong key or an unreachable base_url shows at start — one log line per upstream, and on the status
// page — rather than as a puzzling error at some client's first request. A refused key is disabled as a
// request's 401 would disable it, its answer kept for the first client (upstream/refusal.ts). The result is
// this process's own view (each replica checks at its own start).

export type CheckResult = 'ok' | 'key_refused' | 'unreachable' | 'error'

export interface UpstreamCheck {
  result: CheckResult
  /** What the upstream said or why it could not be reached: keys by fingerprint only, never the host. */
  detail: string
  at: number
}

export class StartCheck {
  private readonly results = new Map<string, UpstreamCheck>()

  constructor(
    private readonly pool: UpstreamPool,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now
  ) {}

  /** The upstream's check, once it finished. */
  result(upstream: string): UpstreamCheck | undefined {
    return this.results.get(upstream)
  }

  /** Checks every upstream at once; resolves when each has its line. Never throws: it runs unawaited. */
  async run(): Promise<void> {
    await Promise.all(
      this.pool.upstreams.map((upstream) =>
        this.checkOne(upstream).catch((error) => this.log(`upstream ${upstream.name}: start-up check could not finish (${describeError(error)})`))
      )
    )
  }

  private async checkOne(upstream: PoolUpstream) {
    const started = this.now()
    const checks = await Promise.all(upstream.pool.map(async (key) => ({ fingerprint: key.fingerprint, check: await this.pool.check(upstream, key) })))
    const of = <K extends KeyCheck['kind']>(kind: K) => checks.filter((c) => c.check.kind === kind) as Array<{ fingerprint: string; check: Extract<KeyCheck, { kind: K }> }>
    const ok = of('ok').length
    const refused = of('refused')
    const unreachable = of('unreachable')
    const failed = of('error')
    const prefix = `upstream ${upstream.name}: start-up check`
    let check: Omit<UpstreamCheck, 'at'>
    let line: string
    if (refused.length > 0) {
      // Keys refused for the same reason are named together: ten keys of one revoked project make one clause.
      const byReason = new Map<string, string[]>()
      for (const { fingerprint, check } of refused) byReason.set(check.reason, [...(byReason.get(check.reason) ?? []), fingerprint])
      const detail = [...byReason].map(([reason, fps]) => `key${fps.length > 1 ? 's' : ''} ${fps.join(', ')}: ${reason}`).join('; ')
      const rest = ok > 0 ? `; ${ok} of ${checks.length} keys accepted` : ''
      check = { result: 'key_refused', detail }
      line = `${prefix}: key refused — ${detail}; disabled, rechecked every ${RECHECK_MS / 60_000} minutes${rest}`
    } else if (unreachable.length > 0) {
      const error = unreachable[0]!.check.error
      check = { result: 'unreachable', detail: unreachableCause(error) }
      line = `${prefix}: unreachable at ${shownBaseUrl(upstream.baseUrl)} — ${unreachableCause(error, true)}`
    } else if (failed.length > 0) {
      const statuses = [...new Set(failed.map((f) => f.check.status))].join(', ')
      check = { result: 'error', detail: `GET /models answered HTTP ${statuses}` }
      line = `${prefix}: ${check.detail} (not a key refusal; requests go there all the same)`
    } else {
      check = { result: 'ok', detail: `GET /models accepted ${checks.length === 1 ? 'its key' : `all ${checks.length} keys`}` }
      line = `${prefix} ok — ${check.detail} (${this.now() - started} ms)`
    }
    this.results.set(upstream.name, { ...check, at: this.now() })
    this.log(line)
  }
}
