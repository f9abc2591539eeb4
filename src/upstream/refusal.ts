import { noUpstreamAvailable } from '../errors'
import type { LogSink } from '../log/sink'
import type { KeptRefusal, KeyHealth, KeyHealthStore } from '../state/types'
import { redactSecrets } from './redact'

// What an upstream says when it refuses a key (401, 403, 429 insufficient_quota), kept in two forms. The
// reason is one line for the log, /stats and the 503s that follow: the status and the upstream's own message,
// keys masked, cut short. The answer is kept only when no client saw it — the cache's embedding call or the
// start-up check met the refusal first — so that the next client still gets the upstream's explanation with
// its status (DESIGN §1.7: upstream errors pass through) instead of a bare "no upstream available".

export type Refusal = KeptRefusal

const REASON_CHARS = 200
const BODY_CHARS = 4000
/** A provider's own partial echo of a key without OpenAI's `sk-` ("Your api key: ****abcd is invalid"). */
const MASKED_ECHO = /\*{3,}[A-Za-z0-9_-]{1,12}(?![A-Za-z0-9_-])/g

const mask = (text: string, secrets: readonly string[]) => redactSecrets(text, secrets).replace(MASKED_ECHO, '***')

/** The upstream's message: `error.message` (OpenAI, Anthropic), else `message`, else the body's text. */
export function upstreamMessage(text: string): string {
  let message: unknown
  try {
    const json = JSON.parse(text)
    message = json?.error?.message ?? json?.message
  } catch {}
  const raw = typeof message === 'string' && message.trim() ? message : text.replace(/<[^>]*>/g, ' ')
  return raw.replace(/\s+/g, ' ').trim()
}

/** "401 Incorrect API key provided: sk-***. …": masked before it is cut, so no piece of a key survives the cut. */
export function refusalReason(status: number, text: string, secrets: readonly string[]): string {
  const message = mask(upstreamMessage(text), secrets)
  const reason = message ? `${status} ${message}` : String(status)
  return reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS - 1)}…` : reason
}

export function keptRefusal(status: number, text: string, secrets: readonly string[]): Refusal {
  return { status, body: mask(text, secrets).slice(0, BODY_CHARS) }
}

/** The kept refusal as the upstream gave it. */
export function refusalResponse(refusal: Refusal): Response {
  const json = refusal.body.trimStart().startsWith('{')
  return new Response(refusal.body, { status: refusal.status, headers: { 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8' } })
}

/**
 * Why every key of a model is disabled, per upstream: "upstream 'openai' refused its key(s) (401 Incorrect
 * API key provided: sk-***. …); rechecked every 10 minutes". Undefined when no reason is known.
 */
export function refusedDetail(upstreams: ReadonlyArray<{ name: string; reasons: readonly string[] }>, recheckMinutes: number): string | undefined {
  const parts = upstreams
    .filter((u) => u.reasons.length > 0)
    .map((u) => `upstream '${u.name}' refused its key(s) (${[...new Set(u.reasons)].join('; ')})`)
  return parts.length ? `${parts.join(', ')}; rechecked every ${recheckMinutes} minutes` : undefined
}

/** Who reads a refusal: `seen`, the client of this call; `kept`, nobody yet (kept for the first client); `quiet`, kept and logged by the caller. */
export type Readers = 'seen' | 'kept' | 'quiet'

interface RouteUpstream {
  name: string
  pool: ReadonlyArray<{ fingerprint: string }>
}

export interface RefusedKeysOptions {
  health: KeyHealthStore
  log: LogSink
  /** Every upstream key, masked wherever an upstream quotes one. */
  secrets: () => readonly string[]
  now: () => number
  recheckMs: number
}

/** What the pool does with refused keys: disables them with the upstream's reason, and tells clients why. */
export class RefusedKeys {
  constructor(private readonly options: RefusedKeysOptions) {}

  /** Disables the key for the refusal in `response`; its reason is the upstream's own message, masked. */
  async disable(upstream: string, fingerprint: string, response: Response, readers: Readers): Promise<NonNullable<KeyHealth['disabled']>> {
    const { health, secrets, now, recheckMs } = this.options
    const since = now()
    const text = await response.clone().text()
    const reason = refusalReason(response.status, text, secrets())
    const kept = readers === 'seen' ? undefined : keptRefusal(response.status, text, secrets())
    const first = await health.disable(fingerprint, reason, since, since + recheckMs, kept)
    // The embedding call got there first and kept it, but this client reads the refusal itself.
    if (!first && readers === 'seen') await health.takeRefusal(fingerprint)
    if (first && readers !== 'quiet') this.options.log(`upstream ${upstream}: key ${fingerprint} disabled (${reason}); rechecked every ${recheckMs / 60_000} minutes`)
    return { reason, since, recheckAt: since + recheckMs }
  }

  /**
   * Every key of the route is disabled and none was tried. The first client after a refusal no client saw
   * gets that refusal as the upstream gave it; every kept one of the route is taken at once, so the clients
   * after it get the 503 naming each upstream and what it said. The proxy's own calls take none.
   */
  async unavailable(route: readonly RouteUpstream[], health: Map<string, KeyHealth>, internal = false): Promise<{ response: Response; upstream: string; fingerprint: string }> {
    const disabled = route.flatMap((upstream) => upstream.pool.filter((k) => health.get(k.fingerprint)?.disabled).map((key) => ({ upstream, key })))
    const kept = internal ? [] : await Promise.all(disabled.map(({ key }) => this.options.health.takeRefusal(key.fingerprint)))
    const at = kept.findIndex(Boolean)
    if (at >= 0) return { response: refusalResponse(kept[at]!), upstream: disabled[at]!.upstream.name, fingerprint: disabled[at]!.key.fingerprint }
    throw noUpstreamAvailable(this.why(route, health))
  }

  /** The 503's explanation: each upstream's reasons for its disabled keys. */
  why(route: readonly RouteUpstream[], health: Map<string, KeyHealth>): string | undefined {
    const reasons = (u: RouteUpstream) => u.pool.flatMap((k) => health.get(k.fingerprint)?.disabled?.reason ?? [])
    return refusedDetail(route.map((u) => ({ name: u.name, reasons: reasons(u) })), this.options.recheckMs / 60_000)
  }
}
