import type { LogSink } from '../log/sink'
import type { KeyHealth, KeyHealthStore } from '../state/types'
import type { Send, Target } from './client'
import type { RefusedKeys } from './refusal'

// A key asked its provider's cheap authenticated GET (the model listing) outside any request: each key once at
// start (the start-up check), and a disabled key whose recheck time has come, in the background, never on a
// request's time. A key that answers is enabled again.

/** What the start-up check learnt of one key. */
export type KeyCheck = { kind: 'ok' } | { kind: 'refused'; reason: string } | { kind: 'unreachable'; error: unknown } | { kind: 'error'; status: number }

export interface ProbedKey {
  upstream: string
  fingerprint: string
  target: Target
}

export interface KeyProbeOptions {
  health: KeyHealthStore
  send: Send
  log: LogSink
  refused: RefusedKeys
  now: () => number
  recheckMs: number
}

export class KeyProbe {
  constructor(private readonly options: KeyProbeOptions) {}

  /**
   * The start-up check of one key. A refusal disables the key as a request's would, kept for the first
   * client; a key that answers is enabled (another replica may have disabled it before it was fixed).
   */
  async check({ upstream, fingerprint, target }: ProbedKey): Promise<KeyCheck> {
    let response: Response
    try {
      response = await this.options.send(target, listing(target, new AbortController().signal))
    } catch (error) {
      return { kind: 'unreachable', error }
    }
    const { verdict, response: read } = await target.provider.classify(response)
    if (verdict === 'disable') return { kind: 'refused', reason: (await this.options.refused.disable(upstream, fingerprint, read, 'quiet')).reason }
    await read.body?.cancel()
    if (!read.ok) return { kind: 'error', status: read.status }
    await this.options.health.enable(fingerprint)
    return { kind: 'ok' }
  }

  /** A disabled key whose time has come: one cheap GET in the background, never on a request's time. */
  recheck({ upstream, fingerprint, target }: ProbedKey, state: KeyHealth) {
    const { health, recheckMs } = this.options
    const now = this.options.now()
    state.disabled!.recheckAt = now + recheckMs
    void (async () => {
      await health.postpone(fingerprint, now + recheckMs)
      try {
        const response = await this.options.send(target, listing(target, AbortSignal.timeout(30_000)))
        await response.body?.cancel()
        if (!response.ok) return
        await health.enable(fingerprint)
        this.options.log(`upstream ${upstream}: key ${fingerprint} works again`)
      } catch {}
    })()
  }
}

const listing = (target: Target, signal: AbortSignal) => ({ method: 'GET', path: target.provider.modelsPath, headers: new Headers(), body: null, signal })
