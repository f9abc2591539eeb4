import type { PendingAnswer } from '../cache/probe'
import type { Config } from '../config/load'
import { isCached } from '../dialects/types'
import type { Admission, Gatekeeper } from '../limits/gatekeeper'
import type { Tokens } from '../openai/usage'
import type { UpstreamPool } from '../upstream/pool'
import { combineCaptures } from './answer-capture'
import { meteringCapture } from './metering'
import type { ModelRequest } from './model-request'
import { pricedModel } from './priced-model'
import { relay } from './relay'
import type { ResponsesState } from './responses-ids'
import { upstreamPlan } from './upstream-plan'
import { usageCapture } from './usage-capture'

// A model request sent upstream and its answer relayed, with a copy taken on the way where one is needed:
// for the cache (its pending answer) and for the key's budget and usage (metered keys). Both need a
// stream's token counts, so the dialect asks for them and withholds them from a client that did not ask.

export interface ForwardDeps {
  config: Config
  gatekeeper: Gatekeeper
  pool: UpstreamPool
  secrets: readonly string[]
  /** Responses ids and the responses made by translation (absent: every upstream speaks Responses itself). */
  responses?: ResponsesState
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
  const { ctx, body, dialect, request } = req
  req.admission = admission
  const streamed = body.stream === true && req.route.endpoint !== 'embeddings'
  const priced = () => pricedModel(deps.pool, req.call.model, ctx.upstream)
  const heard = (tokens: Tokens) => void (ctx.usage = { model: priced(), tokens })
  const metering = req.key.metered ? meteringCapture(req.call.estimate, admission, streamed, priced, heard) : undefined
  const usage = !metering && pending ? usageCapture(streamed, heard) : undefined
  const withheld = (metering || pending) && isCached(dialect) && dialect.askForUsage(body)
  const plan = await upstreamPlan(req, deps.responses)
  const answer = await ctx.callUpstream(deps.pool, {
    ...plan.route,
    method: 'POST',
    path: req.route.path,
    headers: request.headers,
    contentType: 'application/json',
    body: plan.route.body!,
    model: typeof body.model === 'string' ? body.model : undefined,
    retryable: true,
    signal: request.signal,
  })
  const out = plan.answered(answer)
  const capture = combineCaptures([pending, metering, usage, ...out.captures], withheld ? dialect.usageFilter() : undefined)
  const headers: Record<string, string> = { ...admission.headers, ...out.headers }
  if (ctx.cache) headers['x-cache'] = ctx.cache
  if (pending?.entryId) headers['x-cache-entry'] = String(pending.entryId)
  headers['x-upstream'] = answer.upstream
  return relay(out.response, ctx, headers, deps.secrets, capture)
}
