import { ApiError } from '../errors'
import type { Upstream, UpstreamRequest } from '../upstream/client'
import type { RequestContext } from './context'

/** Calls the upstream and notes, for the statistics, how long its headers took and whether it failed. */
export async function callUpstream(ctx: RequestContext, upstream: Upstream, request: UpstreamRequest): Promise<Response> {
  const started = performance.now()
  try {
    const response = await upstream(request)
    ctx.upstreamMs = performance.now() - started
    ctx.upstreamFailed = response.status >= 500 || response.status === 429
    return response
  } catch (error) {
    if (error instanceof ApiError && (error.status === 502 || error.status === 504)) ctx.upstreamFailed = true
    throw error
  }
}
