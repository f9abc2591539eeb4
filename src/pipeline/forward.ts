import type { PendingAnswer } from '../cache/probe'
import type { Config } from '../config/load'
import { isCached } from '../dialects/types'
import type { Admission, Gatekeeper } from '../limits/gatekeeper'
import { UpstreamPool } from '../upstream/pool'
import { combineCaptures } from './answer-capture'
import { meteringCapture } from './metering'
import type { ModelRequest } from './model-request'
import { relay } from './relay'

// A model request sent upstream and its answer relayed, with a copy taken on the way where one is needed:
// for the cache (its pending answer) and for the key's budget and usage (metered keys). Both need a
// stream's token counts, so the dialect asks for them and withholds them from a client that did not ask.

export interface ForwardDeps {
  config: Config
  gatekeeper: Gatekeeper
  pool: UpstreamPool
  secrets: readonly string[]
}

/** Admits and forwards a call the cache has no part in; a failure before the answer spends nothing. */
export async function forwardAdmitted(req: ModelRequest, deps: ForwardDeps): Promise<Response> {
  const admission = await req.ctx.admit(deps.gatekeeper, req.key, req.call)
  try {
    return await forward(req, admission, deps)
  } catch (error) {
    await admission.release()
    throw error
  }
}

export async function forward(req: ModelRequest, admission: Admission, deps: ForwardDeps, pending?: PendingAnswer): Promise<Response> {
  const { ctx, body, dialect } = req
  req.admission = admission
  const streamed = body.stream === true && req.route.endpoint !== 'embeddings'
  const metering = req.key.metered ? meteringCapture(req.call.estimate, admission, streamed) : undefined
  const withheld = (metering || pending) && isCached(dialect) && dialect.askForUsage(body)
  const capture = combineCaptures([pending, metering], withheld ? dialect.usageFilter() : undefined)
  const headers: Record<string, string> = { ...admission.headers }
  if (ctx.cache) headers['x-cache'] = ctx.cache
  if (pending?.entryId) headers['x-cache-entry'] = String(pending.entryId)
  const answer = await send(req, deps.pool)
  headers['x-upstream'] = answer.upstream
  return relay(answer.response, ctx, headers, deps.secrets, capture)
}

/** The body as each upstream gets it: its model_map renames the model, nothing else changes. */
function send(req: ModelRequest, pool: UpstreamPool) {
  const { body, request } = req
  const model = typeof body.model === 'string' ? body.model : undefined
  let plain: string | undefined
  const bodyFor = (upstream: Parameters<typeof UpstreamPool.upstreamModel>[0]) => {
    const name = model === undefined ? undefined : UpstreamPool.upstreamModel(upstream, model)
    if (name === model) return (plain ??= JSON.stringify(body))
    return JSON.stringify({ ...body, model: name })
  }
  return req.ctx.callUpstream(pool, {
    method: 'POST',
    path: req.route.path,
    headers: request.headers,
    contentType: 'application/json',
    body: bodyFor,
    model,
    retryable: true,
    signal: request.signal,
  })
}
