import type { ClientKey } from '../auth/client-key'
import { invalid, missing, parseJsonObject, requiredString } from '../openai/validate'
import { estimateInputTokens } from '../limits/estimate'
import { UpstreamPool, type PoolUpstream } from '../upstream/pool'
import type { RequestContext } from './context'
import { checkModel } from './model-request'
import { relay } from './relay'
import { readBodyText } from './request-body'

// Anthropic's `POST /v1/messages/count_tokens` (DESIGN §1.8; Claude Code calls it before its requests):
// sent natively to an `anthropic` upstream that serves the model, which counts exactly and for free;
// elsewhere the proxy answers its own estimate (the budget's: it errs high). Never cached, never metered:
// it reaches no model.

export interface CountTokensDeps {
  pool: UpstreamPool
  maxBodySize: number
  secrets: readonly string[]
}

const speaksMessages = (upstream: PoolUpstream) => upstream.adapter.speaks.has('messages')

export async function countTokens(ctx: RequestContext, request: Request, path: string, key: ClientKey, deps: CountTokensDeps): Promise<Response> {
  const text = await readBodyText(request, deps.maxBodySize)
  const body = parseJsonObject(text)
  requiredString(body, 'model')
  if (body.messages === undefined) throw missing('messages')
  if (!Array.isArray(body.messages)) throw invalid('messages', 'an array of message objects')
  const model = body.model as string
  ctx.model = model
  checkModel(body, key, deps.pool)
  if (!deps.pool.upstreams.some((u) => u.serves(model) && speaksMessages(u))) return Response.json({ input_tokens: estimateInputTokens(body) })
  const answer = await ctx.callUpstream(deps.pool, {
    method: 'POST',
    path,
    headers: request.headers,
    contentType: 'application/json',
    body: (upstream) => {
      const name = UpstreamPool.upstreamModel(upstream, model)
      return name === model ? text : JSON.stringify({ ...body, model: name })
    },
    model,
    retryable: true,
    signal: request.signal,
    accepts: speaksMessages,
  })
  return relay(answer.response, ctx, { 'x-upstream': answer.upstream }, deps.secrets)
}
