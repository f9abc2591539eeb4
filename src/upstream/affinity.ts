// Which key of an upstream takes a request that shares its prompt prefix with others (DESIGN §1.9): a
// provider's prompt cache is per account, so the turns of one conversation (and the calls of one app, with
// its system prompt and tools) hit it only when they keep going to the same key. Rendezvous hashing (highest
// random weight): each key scores hash(prefix, key) and the best usable one takes the request. A key that
// cools down or is disabled drops out of the ranking without reshuffling the others — only the prefixes it
// ranked first move, each to its own second best — and they come back to it when it is usable again.

/** The score of `fingerprint` for requests of `affinity`: the higher, the sooner that key is tried. */
export function affinityScore(affinity: string, fingerprint: string): bigint {
  return Bun.hash.wyhash(`${fingerprint}\u0000${affinity}`)
}

/** Rankings of one request's keys, each worked out once (a pick compares a key several times). */
export class AffinityRanking {
  private readonly scores = new Map<string, bigint>()

  constructor(private readonly affinity: string) {}

  score(fingerprint: string): bigint {
    let score = this.scores.get(fingerprint)
    if (score === undefined) this.scores.set(fingerprint, (score = affinityScore(this.affinity, fingerprint)))
    return score
  }

  /** Whether `a` ranks before `b`. */
  before(a: string, b: string): boolean {
    return this.score(a) > this.score(b)
  }
}
