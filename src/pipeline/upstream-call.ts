import { ApiError } from '../errors'
import type { PoolAnswer, PoolRequest, UpstreamPool } from '../upstream/pool'
import type { RequestContext } from './context'

/**
 * Calls the upstream pool and notes, for the statistics and the `x-upstream` header, which upstream
 * answered, how long its headers took and whether it failed.
 */
export async function callUpstream(ctx: RequestContext, pool: UpstreamPool, request: PoolRequest): Promise<PoolAnswer> {
  const started = performance.now()
  try {
    const answer = await pool.call(request)
    ctx.upstreamMs = performance.now() - started
    ctx.upstream = answer.upstream
    ctx.upstreamFailed = answer.response.status >= 500 || answer.response.status === 429
    return answer
  } catch (error) {
    if (error instanceof ApiError && error.type === 'upstream_error') ctx.upstreamFailed = true
    throw error
  }
}

/** The headers every forwarded answer carries besides the upstream's own. */
export const upstreamHeader = (answer: PoolAnswer) => ({ 'x-upstream': answer.upstream })
