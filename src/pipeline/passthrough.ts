import type { ClientKey } from '../auth/client-key'
import { requestTooLarge, type ApiError } from '../errors'
import type { Gatekeeper } from '../limits/gatekeeper'
import type { Upstream } from '../upstream/client'
import type { RequestContext } from './context'
import { relay } from './relay'
import { limitedBody } from './request-body'
import { admit } from './admit'
import { callUpstream } from './upstream-call'

// The other groups of OpenAI's API (files, images, audio, batches, …): forwarded untouched, bodies streamed
// both ways. Reads (listing models, fetching a file) spend nothing; anything else sent upstream counts.

export interface PassThroughDeps {
  gatekeeper: Gatekeeper
  upstream: Upstream
  maxBodySize: number
  secrets: readonly string[]
}

const FREE_METHODS = new Set(['GET', 'HEAD'])

export async function passThrough(ctx: RequestContext, request: Request, path: string, key: ClientKey, deps: PassThroughDeps) {
  const free = FREE_METHODS.has(request.method)
  const admission = free ? undefined : await admit(ctx, key, deps.gatekeeper)
  let cut: ApiError | undefined
  const body = free ? null : limitedBody(request, deps.maxBodySize, () => (cut = requestTooLarge(deps.maxBodySize)))
  const response = await callUpstream(ctx, deps.upstream, {
    method: request.method,
    path,
    headers: request.headers,
    body,
    signal: request.signal,
    contentLength: request.headers.get('content-length'),
    bodyTooLarge: () => cut,
  })
  return relay(response, ctx, admission?.headers ?? {}, deps.secrets)
}
