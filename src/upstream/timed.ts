import { ApiError } from '../errors'
import type { RequestInfo } from '../request-info'

/** Calls the upstream and notes, for the statistics, how long its headers took and whether it failed. */
export async function timedUpstream(info: RequestInfo, call: () => Promise<Response>): Promise<Response> {
  const started = performance.now()
  try {
    const response = await call()
    info.upstreamMs = performance.now() - started
    info.upstreamFailed = response.status >= 500 || response.status === 429
    return response
  } catch (error) {
    if (error instanceof ApiError && (error.status === 502 || error.status === 504)) info.upstreamFailed = true
    throw error
  }
}
