import type { Authenticate } from '../auth/client-key'
import type { ModelCatalog } from '../upstream/model-catalog'
import { unknownPath } from '../errors'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOwnPath, requestTarget, upstreamPath } from '../openai/endpoints'
import type { RequestContext } from './context'
import { modelCall, type ModelCallDeps } from './model-call'
import { passThrough } from './passthrough'

// Every request for OpenAI's API: who calls, where to, and then the model endpoints' flow or the
// pass-through. Only OpenAI's published API groups go upstream with the real key.

export interface ApiCallDeps extends ModelCallDeps {
  authenticate: Authenticate
  catalog: ModelCatalog
}

export async function apiCall(ctx: RequestContext, request: Request, deps: ApiCallDeps): Promise<Response> {
  const key = deps.authenticate(request, ctx.ip)
  ctx.client = key.hash
  const path = routeOf(request)
  const endpoint = endpointOf(request.method, path)
  ctx.endpoint = endpoint ?? 'other'
  if (endpoint) return modelCall(ctx, request, { endpoint, path }, key, deps)
  if (request.method === 'GET' && path.split('?')[0]!.replace(/\/$/, '') === '/models') {
    return Response.json({ object: 'list', data: await deps.catalog.models() })
  }
  return passThrough(ctx, request, path, key, { ...deps, maxBodySize: deps.config.maxBodySize })
}

/**
 * The path below the base URL, when it is OpenAI's API. A path spelled so that an upstream could read it as
 * another one (`//`, `%2F`) is refused rather than normalised, so nothing skips validation or the cap.
 */
function routeOf(request: Request): string {
  const target = requestTarget(request.url)
  if (isAmbiguousPath(target.pathname) || isOwnPath(target.pathname)) throw unknownPath()
  const path = upstreamPath(target)
  if (!apiGroupOf(path)) throw unknownPath()
  return path
}
