import type { IdOrigin } from '../state/types'
import { UpstreamPool, type PoolAnswer, type PoolRequest, type PoolUpstream } from '../upstream/pool'
import type { ModelRequest } from './model-request'
import type { Capture } from './relay'
import { continuedId, keptFor, originOf, type ResponsesState } from './responses-ids'
import { originCapture } from './response-origins'
import { translateAnswer } from './translated-answer'
import { reach, translateRequest, type Translated } from './translation'

// How a model request meets the upstreams (DESIGN §1.8): which of them can take it (natively, or through a
// translation to chat), what path and body each one gets, the one key a continued Responses id pins it to,
// and what becomes of the answer on its way back (translated, its id remembered, a translated response kept).

export interface UpstreamPlan {
  route: Pick<PoolRequest, 'pathFor' | 'body' | 'accepts' | 'pin' | 'affinity'>
  /** The answer as the client gets it, with the headers and captures it adds. */
  answered(answer: PoolAnswer): { response: Response; headers: Record<string, string>; captures: Capture[] }
}

export async function upstreamPlan(req: ModelRequest, state: ResponsesState | undefined): Promise<UpstreamPlan> {
  const { body } = req
  const dialect = req.dialect.name
  const model = typeof body.model === 'string' ? body.model : undefined
  const native = nativeBodies(req, model)

  const continued = dialect === 'responses' ? continuedId(body) : undefined
  // A response the proxy made by translation continues here, through chat, wherever the model is served;
  // one made upstream continues on the key that made it.
  const kept = state && continued !== undefined ? await keptFor(state, continued, req.key) : undefined
  const history = kept && [...kept.input, ...((kept.response.output as unknown[] | undefined) ?? [])]
  const pin = state && continued !== undefined && !kept ? await originOf(state, continued) : undefined
  // An id in use is remembered for another RESPONSES_TTL: a conversation lives as long as it is used.
  if (pin) void state!.origins.remember(continued!, pin, state!.ttlMs).catch(() => {})

  const mustTranslate = kept !== undefined
  const translations = new Map<string, Translated>()
  const translated = (u: PoolUpstream) => reach(dialect, u, mustTranslate) === 'translated'
  const translation = (u: PoolUpstream) => {
    let t = translations.get(u.name)
    if (!t) translations.set(u.name, (t = translateRequest(dialect, body, history, u, model)))
    return t
  }
  return {
    route: {
      pin,
      // A continued translated response's prefix is in the history it continues, not in its own input.
      affinity: req.dialect.affinityKey?.(history ? { ...body, input: history } : body),
      accepts: (u) => reach(dialect, u, mustTranslate) !== undefined,
      // The client's query (Claude Code's `?beta=true`) is its own API's: a translated request goes without it.
      pathFor: (u) => (translated(u) ? translation(u).path : req.route.path),
      body: (u) => (translated(u) ? JSON.stringify(translation(u).body) : native(u)),
    },
    answered(answer) {
      const t = translations.get(answer.upstream)
      if (!t) {
        const origin: IdOrigin = { upstream: answer.upstream, fingerprint: answer.fingerprint }
        const captures = state && dialect === 'responses' ? [originCapture(state, () => origin)] : []
        return { response: answer.response, headers: {}, captures }
      }
      const keep = (final: Record<string, unknown>) => {
        if (!state || !t.input || body.store === false || typeof final.id !== 'string') return
        const kept = { id: final.id, owner: req.key.cacheGroup, response: final, input: t.input, createdAt: Date.now() }
        void state.kept.put(kept, state.ttlMs).catch(() => {})
      }
      const headers: Record<string, string> = t.dropped.length ? { 'x-dropped-tools': t.dropped.join(', ') } : {}
      return { response: translateAnswer(answer.response, t, keep), headers, captures: [] }
    },
  }
}

/** The body as each upstream gets it natively: its model_map renames the model, nothing else changes. */
function nativeBodies(req: ModelRequest, model: string | undefined) {
  let plain: string | undefined
  return (upstream: PoolUpstream) => {
    const name = model === undefined ? undefined : UpstreamPool.upstreamModel(upstream, model)
    if (name === model) return (plain ??= JSON.stringify(req.body))
    return JSON.stringify({ ...req.body, model: name })
  }
}
