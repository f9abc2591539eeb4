import type { KeyHealth, KeyHealthStore } from '../types'

/** Upstream key health for one process (the default without Redis: cool-downs last seconds, disables minutes). */
export class MemoryKeyHealth implements KeyHealthStore {
  private readonly health = new Map<string, KeyHealth>()

  async get(fingerprints: readonly string[]): Promise<Map<string, KeyHealth>> {
    const out = new Map<string, KeyHealth>()
    for (const fingerprint of fingerprints) {
      const health = this.health.get(fingerprint)
      if (health) out.set(fingerprint, { ...health, ...(health.disabled ? { disabled: { ...health.disabled } } : {}) })
    }
    return out
  }

  async coolDown(fingerprint: string, until: number): Promise<void> {
    const health = this.entry(fingerprint)
    health.coolingUntil = Math.max(health.coolingUntil, until)
  }

  async disable(fingerprint: string, reason: string, since: number, recheckAt: number): Promise<boolean> {
    const health = this.entry(fingerprint)
    if (health.disabled) return false
    health.disabled = { reason, since, recheckAt }
    return true
  }

  async postpone(fingerprint: string, recheckAt: number): Promise<void> {
    const disabled = this.health.get(fingerprint)?.disabled
    if (disabled) disabled.recheckAt = recheckAt
  }

  async enable(fingerprint: string): Promise<void> {
    const health = this.health.get(fingerprint)
    if (health) delete health.disabled
  }

  private entry(fingerprint: string): KeyHealth {
    let health = this.health.get(fingerprint)
    if (!health) this.health.set(fingerprint, (health = { coolingUntil: 0 }))
    return health
  }
}
