import type { ClientKey } from '../auth/client-key'
import type { AnswerCache } from '../cache/answer-cache'
import { dialectOf } from '../dialects'
import { isCached, type CachedDialect } from '../dialects/types'
import type { RequestContext } from './context'
import { forward, forwardAdmitted, type ForwardDeps } from './forward'
import { serveHit } from './hit'
import { checkModel, modelRequest, type ModelRequest, type ModelRoute } from './model-request'
import { readBodyText } from './request-body'

export type { ModelRoute } from './model-request'

// The endpoints the proxy understands, in the order of DESIGN §2, one step a line: a request seen before
// byte for byte is answered from the answers kept hot before any parsing; otherwise the body is checked
// against its dialect and capped, the cache is probed (exact, in-flight, admission, semantic), and a miss
// is forwarded, its answer stored by the probe's pending answer once complete.

export interface ModelCallDeps extends ForwardDeps {
  cache?: AnswerCache
}

export async function modelCall(ctx: RequestContext, request: Request, route: ModelRoute, key: ClientKey, deps: ModelCallDeps): Promise<Response> {
  const text = await readBodyText(request, deps.config.maxBodySize)
  const dialect = dialectOf(route.endpoint)
  const { cache } = deps
  const hot = cache && isCached(dialect) ? hotRequestOf(request, route, key, text) : undefined
  const ready = hot ? cache!.hotAnswer(hot) : undefined
  if (ready) {
    checkModel(ready, key, deps.pool)
    if (ready.model !== undefined) ctx.model = ready.model
    ctx.outputCap = ready.outputCap
    const hit = { entry: ready.entry, match: 'exact' as const }
    cache!.served(hit)
    cache!.servedTo(key.id, hit)
    return serveHit(ctx, key, hit, ready.template, deps.gatekeeper)
  }

  const req = modelRequest(ctx, request, route, key, dialect, text, deps)
  if (!isCached(dialect)) return forwardAdmitted(req, deps)
  if (!cache) return bypass(req, dialect, deps)

  const probe = await cache.probe(
    {
      endpoint: dialect.name,
      body: req.body,
      headers: request.headers,
      query: queryOf(route.path),
      group: key.cacheGroup,
      model: req.call.model,
      hot: hot === undefined ? undefined : { request: hot, outputCap: ctx.outputCap },
      onPlan: (lookup) => (ctx.cache = lookup ? 'MISS' : 'BYPASS'),
      account: key.id,
    },
    () => ctx.admit(deps.gatekeeper, key, req.call)
  )
  if (probe.hit) {
    cache.servedTo(key.id, probe.hit)
    return serveHit(ctx, key, probe.hit, probe.template, deps.gatekeeper)
  }
  try {
    return await forward(req, probe.admission, deps, probe.pending)
  } catch (error) {
    // Whatever failed before the answer was settled spent nothing (settled admissions ignore this).
    await probe.admission.release()
    await probe.pending?.done('failed')
    throw error
  }
}

/**
 * What identifies a request for the answers kept hot: its bytes and everything else its answer depends on
 * (the path with its query, the key's cache group and output cap). None for a request whose headers ask the
 * cache for something (no-cache, no-store): those go the normal way.
 */
function hotRequestOf(request: Request, route: ModelRoute, key: ClientKey, text: string): string | undefined {
  if (request.headers.has('cache-control') || request.headers.has('pragma')) return undefined
  return `${route.path}\n${key.cacheGroup}\n${key.maxOutputTokens}\n${text}`
}

const queryOf = (path: string) => (path.includes('?') ? path.slice(path.indexOf('?')) : '')

/** The cache is off: the skip word is still not the model's to read. */
function bypass(req: ModelRequest, dialect: CachedDialect, deps: ForwardDeps) {
  dialect.removeSkipWord(req.body, deps.config.cache.skipWord)
  req.ctx.cache = 'BYPASS'
  return forwardAdmitted(req, deps)
}
