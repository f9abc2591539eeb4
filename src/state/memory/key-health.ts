import type { KeptRefusal, KeyHealth, KeyHealthStore } from '../types'

/** Upstream key health for one process (the default without Redis: cool-downs last seconds, disables minutes). */
export class MemoryKeyHealth implements KeyHealthStore {
  private readonly health = new Map<string, KeyHealth>()
  /** Kept apart from `health`: `get` never returns them, they are taken once. */
  private readonly refusals = new Map<string, KeptRefusal>()

  async get(fingerprints: readonly string[]): Promise<Map<string, KeyHealth>> {
    const out = new Map<string, KeyHealth>()
    for (const fingerprint of fingerprints) {
      const health = this.health.get(fingerprint)
      if (health) out.set(fingerprint, { cooling: new Map(health.cooling), ...(health.disabled ? { disabled: { ...health.disabled } } : {}) })
    }
    return out
  }

  async coolDown(fingerprint: string, model: string, until: number, now: number): Promise<void> {
    const { cooling } = this.entry(fingerprint)
    cooling.set(model, Math.max(cooling.get(model) ?? 0, until))
    // Model names come from clients: only the cool-downs still running are kept.
    for (const [name, end] of cooling) if (end <= now) cooling.delete(name)
    this.tidy(fingerprint)
  }

  async disable(fingerprint: string, reason: string, since: number, recheckAt: number, refusal?: KeptRefusal): Promise<boolean> {
    const health = this.entry(fingerprint)
    if (health.disabled) return false
    health.disabled = { reason, since, recheckAt }
    if (refusal) this.refusals.set(fingerprint, { ...refusal })
    return true
  }

  async takeRefusal(fingerprint: string): Promise<KeptRefusal | undefined> {
    const refusal = this.refusals.get(fingerprint)
    this.refusals.delete(fingerprint)
    return refusal
  }

  async postpone(fingerprint: string, recheckAt: number): Promise<void> {
    const disabled = this.health.get(fingerprint)?.disabled
    if (disabled) disabled.recheckAt = recheckAt
  }

  async enable(fingerprint: string): Promise<void> {
    const health = this.health.get(fingerprint)
    if (health) delete health.disabled
    this.refusals.delete(fingerprint)
    this.tidy(fingerprint)
  }

  private entry(fingerprint: string): KeyHealth {
    let health = this.health.get(fingerprint)
    if (!health) this.health.set(fingerprint, (health = { cooling: new Map() }))
    return health
  }

  /** A key resting for nothing and not disabled has no entry (as in Redis, where an empty hash is gone). */
  private tidy(fingerprint: string) {
    const health = this.health.get(fingerprint)
    if (health && !health.disabled && health.cooling.size === 0) this.health.delete(fingerprint)
  }
}
