import type { StatsSnapshot } from '../../../../stats/snapshot'
import { ApiError, proxyBase } from '../ui/api'

// GET /stats, the status page's public figures (upstreams and their keys by fingerprint, requests by model):
// asked without the admin key, which it does not need and so is not sent.

export type { StatsSnapshot }

export async function fetchStats(): Promise<StatsSnapshot> {
  let response: Response
  try {
    response = await fetch(`${proxyBase()}/stats`, { headers: { accept: 'application/json' }, cache: 'no-store' })
  } catch (error) {
    throw new ApiError(`The proxy did not answer (${(error as Error).message}).`, 0, null)
  }
  if (!response.ok) throw new ApiError(`GET /stats: HTTP ${response.status}`, response.status, null)
  return (await response.json()) as StatsSnapshot
}
