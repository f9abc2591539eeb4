import type { Authenticate } from '../auth/client-key'
import type { UsageReports } from '../limits/usage-report'
import type { ModelCatalog } from '../upstream/model-catalog'
import { refusalResponse } from '../upstream/refusal'
import { SELF_SERVICE_PATHS, selfService } from './self-service'
import { endpointNotAllowed, modelNotFound, notFound, unknownPath } from '../errors'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOrganizationPath, isOwnPath, requestTarget, upstreamPath, type ApiGroup } from '../openai/endpoints'
import type { RequestContext } from './context'
import { modelCall, type ModelCallDeps } from './model-call'
import { countTokens } from './count-tokens'
import { passThrough } from './passthrough'
import { answerKept, keptFor, objectTarget, originOf, type ObjectTarget } from './responses-ids'
import type { ClientKey } from '../auth/client-key'

// Every request for OpenAI's API: who calls, where to, and then the model endpoints' flow or the
// pass-through. Only OpenAI's published API groups go upstream with the real key.

export interface ApiCallDeps extends ModelCallDeps {
  authenticate: Authenticate
  catalog: ModelCatalog
  reports: UsageReports
}

/** Stored Responses objects and conversations: kept ones answered here, the others sent to their account. */
async function responsesObject(ctx: RequestContext, request: Request, path: string, target: ObjectTarget, key: ClientKey, deps: ApiCallDeps) {
  const state = deps.responses!
  const kept = target.kind === 'responses' ? await keptFor(state, target.id, key) : undefined
  const answered = kept && (await answerKept(state, request.method, target, kept))
  if (answered) return answered
  const pin = await originOf(state, target.id)
  // Made nowhere this proxy knows, and no upstream keeps responses itself: it does not exist.
  if (!pin && !deps.pool.upstreams.some((u) => u.adapter.speaks.has('responses'))) throw notFound(`${target.kind === 'responses' ? 'Response' : 'Conversation'} with id '${target.id}' not found.`)
  return passThrough(ctx, request, path, key, passThroughDeps(deps), pin)
}

/** A conversation made upstream lives in that account: remembered, so what names it goes there. */
async function newConversation(ctx: RequestContext, request: Request, path: string, key: ClientKey, deps: ApiCallDeps) {
  const state = deps.responses!
  const response = await passThrough(ctx, request, path, key, passThroughDeps(deps))
  if (response.status === 200 && ctx.upstream && ctx.upstreamKey) {
    const origin = { upstream: ctx.upstream, fingerprint: ctx.upstreamKey }
    void response
      .clone()
      .json()
      .then((json: any) => (typeof json?.id === 'string' ? state.origins.remember(json.id, origin, state.ttlMs) : undefined))
      .catch(() => {})
  }
  return response
}

const passThroughDeps = (deps: ApiCallDeps) => ({ ...deps, maxBodySize: deps.config.maxBodySize })

export async function apiCall(ctx: RequestContext, request: Request, deps: ApiCallDeps): Promise<Response> {
  const target = requestTarget(request.url)
  // The proxy's own paths (an unknown /admin route, say) exist for no key: asking for a proxy key there would
  // send an owner holding the right ADMIN_KEY after the wrong mistake.
  if (isOwnPath(target.pathname)) throw unknownPath()
  const found = deps.authenticate(request, ctx.ip)
  const key = found instanceof Promise ? await found : found
  ctx.client = key.hash
  const { path, group } = routeOf(target)
  // A key's own usage and balance: answered here for any key, never forwarded.
  if (request.method === 'GET' && (SELF_SERVICE_PATHS as readonly string[]).includes(path.split('?')[0]!.replace(/(?<=.)\/$/, ''))) {
    return selfService(path, key, deps.reports, deps.gatekeeper)
  }
  // A path outside OpenAI's API is forwarded only for a key allowed `all`; otherwise it does not exist.
  if (!key.allow(group)) throw group === undefined ? unknownPath() : endpointNotAllowed(group)
  const endpoint = endpointOf(request.method, path)
  ctx.endpoint = endpoint ?? 'other'
  if (request.method === 'POST' && path.split('?')[0] === '/messages/count_tokens') {
    return countTokens(ctx, request, path, key, passThroughDeps(deps))
  }
  if (endpoint) return modelCall(ctx, request, { endpoint, path }, key, deps)
  if (request.method === 'GET' && path.split('?')[0]!.replace(/\/$/, '') === '/models') {
    const models = await deps.catalog.models()
    // Every upstream refused its key: the upstream's own answer, as a model call's would be (masked already).
    if (!Array.isArray(models)) return refusalResponse(models)
    return Response.json({ object: 'list', data: key.models ? models.filter((m) => key.models!(m.id)) : models })
  }
  if (group === 'responses' && deps.responses) {
    const target = objectTarget(path)
    if (target) return responsesObject(ctx, request, path, target, key, deps)
    if (request.method === 'POST' && path.split('?')[0] === '/conversations') return newConversation(ctx, request, path, key, deps)
  }
  const named = /^\/models\/([^/?]+)/.exec(path)
  if (named && key.models && !key.models(decodeURIComponent(named[1]!))) throw modelNotFound(decodeURIComponent(named[1]!))
  return passThrough(ctx, request, path, key, passThroughDeps(deps))
}

/**
 * The path below the base URL, and its API group (none: outside OpenAI's API). A path spelled so that an
 * upstream could read it as another one (`//`, `%2F`) is refused rather than normalised, so nothing skips
 * validation or the cap; OpenAI's organization API is never forwarded.
 */
function routeOf(target: { pathname: string; search: string }): { path: string; group?: ApiGroup } {
  if (isAmbiguousPath(target.pathname)) throw unknownPath()
  const path = upstreamPath(target)
  if (isOrganizationPath(path)) throw unknownPath()
  return { path, group: apiGroupOf(path) }
}
