import type { ClientKey } from '../auth/client-key'
import { groupNotMetered, requestTooLarge, type ApiError } from '../errors'
import type { Gatekeeper } from '../limits/gatekeeper'
import { apiGroupOf, spendOf, type ApiGroup } from '../openai/endpoints'
import type { IdOrigin } from '../state/types'
import { UpstreamPool, type PoolUpstream } from '../upstream/pool'
import type { RequestContext } from './context'
import { meteredPassThrough } from './media-call'
import { relay } from './relay'
import { limitedBody } from './request-body'

// The other groups of OpenAI's API (files, images, audio, batches, …): forwarded untouched, bodies streamed
// both ways, to the first upstream of the file (they name no model), or for `/models/{model}` to the
// upstream serving that model. Reads spend nothing; anything else sent upstream counts in the rate limit.
// A key with a budget spends nothing unmetered (DESIGN §1.9): its images and audio calls are priced and
// settled like model calls, and the groups that spend without a price per request are refused to it.

export interface PassThroughDeps {
  gatekeeper: Gatekeeper
  pool: UpstreamPool
  maxBodySize: number
  secrets: readonly string[]
}

const FREE_METHODS = new Set(['GET', 'HEAD'])
/** Deleting (a file, a vector store) never starts spending: a key with a budget may clean up. */
const NEVER_SPENDS = new Set([...FREE_METHODS, 'DELETE'])
const MODEL_PATH = /^\/models\/([^/?]+)(\?.*)?$/

/**
 * `pin`: the one upstream key that knows the object the path names (a response or conversation made there,
 * DESIGN §1.8); without it, the first upstream whose provider serves the path's group.
 */
export async function passThrough(ctx: RequestContext, request: Request, path: string, key: ClientKey, deps: PassThroughDeps, pin?: IdOrigin) {
  const free = FREE_METHODS.has(request.method)
  if (key.budget && !NEVER_SPENDS.has(request.method)) {
    const group = apiGroupOf(path)
    const spend = spendOf(group, path)
    // Named by its group when the whole group spends, else by its path: one outside the API, or the one path
    // of a model group that spends (whose model endpoint is metered).
    if (spend === 'unpriced') throw groupNotMetered(group !== undefined && spendOf(group) === 'unpriced' ? group : path.split('?')[0]!)
    if (spend === 'priced') return meteredPassThrough(ctx, request, path, group as 'images' | 'audio', key, deps, servedBy(group))
  }
  // Counted in the rate limit; nothing is reserved, as nothing here has a price to settle to.
  const admission = free ? undefined : await ctx.admit(deps.gatekeeper, key)
  let cut: ApiError | undefined
  const bodyless = free || request.method === 'DELETE' || request.body === null
  const body = bodyless ? null : limitedBody(request, deps.maxBodySize, () => (cut = requestTooLarge(deps.maxBodySize)))
  const named = MODEL_PATH.exec(path)
  const model = named ? decodeURIComponent(named[1]!) : undefined
  const answer = await ctx.callUpstream(deps.pool, {
    method: request.method,
    path,
    pathFor: model === undefined ? undefined : (upstream) => `/models/${encodeURIComponent(UpstreamPool.upstreamModel(upstream, model))}${named![2] ?? ''}`,
    model,
    headers: request.headers,
    body,
    // A body that streams through (multipart, audio) can be sent only once.
    retryable: body === null,
    signal: request.signal,
    contentLength: request.headers.get('content-length'),
    bodyTooLarge: () => cut,
    pin,
    accepts: servedBy(apiGroupOf(path)),
  })
  return relay(answer.response, ctx, { ...(admission?.headers ?? {}), 'x-upstream': answer.upstream }, deps.secrets)
}

/** The upstreams whose provider serves `group` (a path outside OpenAI's API: any, for a key allowed `all`). */
export function servedBy(group: ApiGroup | undefined): ((upstream: PoolUpstream) => boolean) | undefined {
  return group === undefined ? undefined : (upstream) => upstream.adapter.speaks.has(group)
}
