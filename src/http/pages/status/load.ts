import type { StatsSnapshot } from '../../../stats/snapshot'

const TIMEOUT_MS = 10_000

/** Why a load failed: one of the page's words, or the server's status line. */
export type Failure = { key: 'badAnswer' | 'timeout' | 'network' } | { text: string }

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object'

/**
 * The JSON has the objects the page reads. The server that sent it also sent this script, so the type is
 * its contract; this only tells a wrong answer (a login page of something in front, a different app) from it.
 */
function looksLikeStats(body: unknown): body is StatsSnapshot {
  if (!isObject(body)) return false
  const { requests, cache, series, savings, upstream } = body
  return (
    isObject(requests) && isObject(requests.byEndpoint) && isObject(requests.byModel) &&
    isObject(cache) && isObject(cache.hits) &&
    isObject(series) &&
    isObject(savings) && isObject(savings.byModel) &&
    isObject(upstream) && isObject(upstream.latencyMs)
  )
}

/** GET /stats, within TIMEOUT_MS. Rejects with a Failure, whatever went wrong. */
export async function fetchStats(url: string): Promise<StatsSnapshot> {
  const controller = new AbortController()
  const abort = setTimeout(() => controller.abort(), TIMEOUT_MS)
  try {
    let response: Response
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', signal: controller.signal })
    } catch {
      throw failure(controller.signal.aborted ? 'timeout' : 'network')
    }
    if (!response.ok) throw { text: 'HTTP ' + response.status + (response.statusText ? ' ' + response.statusText : '') } satisfies Failure
    let body: unknown
    try {
      body = await response.json()
    } catch {
      throw failure('badAnswer')
    }
    if (!looksLikeStats(body)) throw failure('badAnswer')
    return body
  } finally {
    clearTimeout(abort)
  }
}

const failure = (key: 'badAnswer' | 'timeout' | 'network'): Failure => ({ key })
