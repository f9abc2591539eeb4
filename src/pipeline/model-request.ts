import type { ClientKey } from '../auth/client-key'
import type { Config } from '../config/load'
import { capOutputTokens } from '../dialects'
import type { Dialect } from '../dialects/types'
import { modelNotFound } from '../errors'
import { estimateTokens } from '../limits/estimate'
import type { Admission, Call } from '../limits/gatekeeper'
import type { Endpoint } from '../openai/endpoints'
import { parseJsonObject, type JsonObject } from '../openai/validate'
import type { UpstreamPool } from '../upstream/pool'
import type { RequestContext } from './context'

// A model request as one record: what every step of the flow (model-call.ts) needs, passed as one argument
// instead of seven. Made once the body is read, checked against the dialect, capped and its model allowed.

export interface ModelRoute {
  endpoint: Endpoint
  /** Path below the base URL, with the query string. */
  path: string
}

export interface ModelRequest {
  readonly ctx: RequestContext
  /** The client's request (its headers and signal; its body is read). */
  readonly request: Request
  readonly route: ModelRoute
  readonly key: ClientKey
  readonly dialect: Dialect
  /** The body as it will be sent: checked, capped, the skip word removed once the cache has seen it. */
  readonly body: JsonObject
  /** The model and the most the call may cost, for the key's budget. */
  readonly call: Call
  /** Once the gatekeeper let it through: what to settle or release. */
  admission?: Admission
}

const NO_ESTIMATE = { promptTokens: 0, completionTokens: 0 }

/** Parses and checks the body (400), applies the key's output cap, and refuses a model the key may not use. */
export function modelRequest(
  ctx: RequestContext,
  request: Request,
  route: ModelRoute,
  key: ClientKey,
  dialect: Dialect,
  text: string,
  deps: { config: Pick<Config, 'maxN'>; pool: UpstreamPool }
): ModelRequest {
  const body = parseJsonObject(text)
  dialect.validate(body, deps.config.maxN)
  const capped = capOutputTokens(route.endpoint, body, key.maxOutputTokens)
  // `x-output-cap: 300`, and what else the cap changed: `x-output-cap: 300; thinking=off`.
  if (capped.changed) ctx.outputCap = capped.note ? `${key.maxOutputTokens}; ${capped.note}` : String(key.maxOutputTokens)
  if (typeof body.model === 'string') ctx.model = body.model
  checkModel(body, key, deps.pool)
  // Only a metered key's budget and usage read the estimate (a key with a budget is metered).
  const estimate = key.metered ? estimateTokens(route.endpoint, body) : NO_ESTIMATE
  return { ctx, request, route, key, dialect, body, call: { model: typeof body.model === 'string' ? body.model : '', estimate } }
}

/** Nothing is looked up, counted or forwarded for a model the key may not use or no upstream serves. */
export function checkModel(body: { model?: unknown }, key: ClientKey, pool: UpstreamPool) {
  if (typeof body.model === 'string') {
    if (!pool.serves(body.model) || (key.models && !key.models(body.model))) throw modelNotFound(body.model)
  } else if (key.models) {
    throw modelNotFound('(none)')
  }
}
