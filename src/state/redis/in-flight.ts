import { MemoryInFlight } from '../memory/in-flight'
import type { FlightClaim, FlightOutcome, InFlightStore } from '../types'
import type { RedisConnection } from './connection'
import { sharedOr } from './fallback'

// In-flight sharing across replicas. Identical requests on one replica share its local claim; the local
// leader then claims the key in Redis (SET NX with a lease it renews while its call runs). A leader on
// another replica is waited for by polling its outcome; if its replica dies, the lease runs out within
// LEASE_MS and the waiters make their own call. Without Redis, sharing is per replica.

const LEASE_MS = 6_000
const RENEW_MS = 2_000
const POLL_MS = 50
const OUTCOME_MS = 30_000

export class RedisInFlight implements InFlightStore {
  private readonly local = new MemoryInFlight()

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly replica: string
  ) {}

  async claim(key: string): Promise<FlightClaim> {
    const local = await this.local.claim(key)
    if (!local.leader) return local
    const lease = `${this.prefix}flight:${key}`
    const done = `${this.prefix}flight-done:${key}`
    const won = await sharedOr(
      this.redis,
      // In one step: an outcome of an earlier call of the same key must not answer this call's waiters.
      async () =>
        Number(
          await this.redis.eval(
            `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then redis.call('DEL', KEYS[2]) return 1 end return 0`,
            [lease, done],
            [this.replica, LEASE_MS]
          )
        ) === 1,
      async () => true
    )
    if (won) {
      const renew = setInterval(() => void this.redis.send('PEXPIRE', [lease, LEASE_MS]).catch(() => {}), RENEW_MS)
      renew.unref?.()
      return {
        leader: true,
        settle: async (outcome) => {
          clearInterval(renew)
          await sharedOr(
            this.redis,
            async () => {
              await this.redis.send('SET', [done, JSON.stringify(outcome), 'PX', OUTCOME_MS])
              await this.redis.send('DEL', [lease])
            },
            async () => {}
          )
          await local.settle(outcome)
        },
      }
    }
    // Another replica leads: this replica's local waiters wait with this request for its outcome.
    const outcome = this.awaitRemote(lease, done)
    void outcome.then((result) => local.settle(result))
    return { leader: false, outcome }
  }

  private async awaitRemote(lease: string, done: string): Promise<FlightOutcome> {
    for (;;) {
      await Bun.sleep(POLL_MS)
      try {
        const result = await this.redis.send('GET', [done])
        if (result) return JSON.parse(result) as FlightOutcome
        if (!(await this.redis.send('EXISTS', [lease]))) {
          // The lease ended without an outcome (its replica died), or the outcome came and went.
          const late = await this.redis.send('GET', [done])
          return late ? (JSON.parse(late) as FlightOutcome) : 'failed'
        }
      } catch {
        return 'failed'
      }
    }
  }
}
