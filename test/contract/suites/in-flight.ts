import { describe, expect, test } from 'bun:test'
import type { FlightClaim, FlightOutcome, InFlightStore } from '../../../src/state/types'
import { opener, sleep, type Opened } from '../helpers'

// The contract of InFlightStore: of claims on one key exactly one leads, and the others learn how the
// leader's call ended. (That a follower also hears 'failed' when the leader's process dies needs a second
// process: it belongs to the tests of a networked store, not to a suite every store runs.)

type Leader = Extract<FlightClaim, { leader: true }>
type Follower = Extract<FlightClaim, { leader: false }>

function asLeader(claim: FlightClaim): Leader {
  expect(claim.leader).toBe(true)
  return claim as Leader
}

function asFollower(claim: FlightClaim): Follower {
  expect(claim.leader).toBe(false)
  return claim as Follower
}

/** 'pending' when `outcome` has not resolved within 50 ms. */
/** What a leader settles with when its answer was stored (the entry's id). */
const STORED = { entryId: 7 }

const within50ms = (outcome: Promise<FlightOutcome>) => Promise.race([outcome, sleep(50).then(() => 'pending' as const)])

export function inFlightContract(name: string, make: () => Promise<Opened<InFlightStore>>) {
  describe(name, () => {
    const open = opener(make)

    test('the first claim leads, a claim while it runs follows and waits for it', async () => {
      const store = await open()
      const leader = asLeader(await store.claim('k'))
      const follower = asFollower(await store.claim('k'))
      expect(await within50ms(follower.outcome)).toBe('pending')
      await leader.settle(STORED)
      expect(await follower.outcome).toEqual(STORED)
    })

    test("followers hear 'failed' when the leader stored nothing", async () => {
      const store = await open()
      const leader = asLeader(await store.claim('k'))
      const followers = [asFollower(await store.claim('k')), asFollower(await store.claim('k'))]
      await leader.settle('failed')
      expect(await Promise.all(followers.map((f) => f.outcome))).toEqual(['failed', 'failed'])
    })

    test('after the leader settles, the next claim leads again', async () => {
      const store = await open()
      await asLeader(await store.claim('k')).settle(STORED)
      const next = asLeader(await store.claim('k'))
      asFollower(await store.claim('k'))
      await next.settle('failed')
      asLeader(await store.claim('k'))
    })

    test("settling twice is harmless and does not end the next leader's flight", async () => {
      const store = await open()
      const first = asLeader(await store.claim('k'))
      const follower = asFollower(await store.claim('k'))
      await first.settle(STORED)
      const second = asLeader(await store.claim('k'))
      await first.settle('failed')
      // The first settle counted; the second neither changed it nor released the key the new leader holds.
      expect(await follower.outcome).toEqual(STORED)
      const waiting = asFollower(await store.claim('k'))
      expect(await within50ms(waiting.outcome)).toBe('pending')
      await second.settle(STORED)
      expect(await waiting.outcome).toEqual(STORED)
    })

    test('different keys are independent', async () => {
      const store = await open()
      const a = asLeader(await store.claim('a'))
      const b = asLeader(await store.claim('b'))
      const followA = asFollower(await store.claim('a'))
      const followB = asFollower(await store.claim('b'))
      await a.settle('failed')
      expect(await followA.outcome).toBe('failed')
      expect(await within50ms(followB.outcome)).toBe('pending')
      await b.settle(STORED)
      expect(await followB.outcome).toEqual(STORED)
    })

    test('atomic: of 20 concurrent claims exactly one leads, and all the others hear its outcome', async () => {
      const store = await open()
      const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim('k')))
      const leaders = claims.filter((c): c is Leader => c.leader)
      expect(leaders).toHaveLength(1)
      await leaders[0]!.settle(STORED)
      const outcomes = await Promise.all(claims.filter((c): c is Follower => !c.leader).map((c) => c.outcome))
      expect(outcomes).toEqual(Array(19).fill(STORED))
    })

    test("the cache's use: 3 identical requests, each looking the key up (async) before claiming", async () => {
      const store = await open()
      // What the answer cache does: an exact lookup (an await of its own store) misses, then it claims.
      const stored = new Map<string, string>()
      const lookup = async (key: string) => {
        await Promise.resolve()
        await new Promise((resolve) => setTimeout(resolve, 0))
        return stored.get(key)
      }
      const request = async (): Promise<string> => {
        const hit = await lookup('k')
        if (hit) return `hit:${hit}`
        const claim = await store.claim('k')
        if (!claim.leader) return (await claim.outcome) !== 'failed' ? `shared:${await lookup('k')}` : 'failed'
        await sleep(20) // the upstream call
        stored.set('k', 'answer')
        await claim.settle(STORED)
        return 'called'
      }
      const answers = await Promise.all([request(), request(), request()])
      expect(answers.sort()).toEqual(['called', 'shared:answer', 'shared:answer'])
    })
  })
}
