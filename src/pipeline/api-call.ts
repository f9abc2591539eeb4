import type { Authenticate } from '../auth/client-key'
import type { UsageReports } from '../limits/usage-report'
import type { ModelCatalog } from '../upstream/model-catalog'
import { refusalResponse } from '../upstream/refusal'
import { SELF_SERVICE_PATHS, selfService } from './self-service'
import { endpointNotAllowed, modelNotFound, unknownPath } from '../errors'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOrganizationPath, isOwnPath, requestTarget, upstreamPath, type ApiGroup } from '../openai/endpoints'
import type { RequestContext } from './context'
import { modelCall, type ModelCallDeps } from './model-call'
import { passThrough } from './passthrough'

// Every request for OpenAI's API: who calls, where to, and then the model endpoints' flow or the
// pass-through. Only OpenAI's published API groups go upstream with the real key.

export interface ApiCallDeps extends ModelCallDeps {
  authenticate: Authenticate
  catalog: ModelCatalog
  reports: UsageReports
}

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
  if (endpoint) return modelCall(ctx, request, { endpoint, path }, key, deps)
  if (request.method === 'GET' && path.split('?')[0]!.replace(/\/$/, '') === '/models') {
    const models = await deps.catalog.models()
    // Every upstream refused its key: the upstream's own answer, as a model call's would be (masked already).
    if (!Array.isArray(models)) return refusalResponse(models)
    return Response.json({ object: 'list', data: key.models ? models.filter((m) => key.models!(m.id)) : models })
  }
  const named = /^\/models\/([^/?]+)/.exec(path)
  if (named && key.models && !key.models(decodeURIComponent(named[1]!))) throw modelNotFound(decodeURIComponent(named[1]!))
  return passThrough(ctx, request, path, key, { ...deps, maxBodySize: deps.config.maxBodySize })
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
