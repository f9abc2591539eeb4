import { Elysia } from 'elysia'
import { publicPathOf } from '../../openai/endpoints'
import { apiCall, type ApiCallDeps } from '../../pipeline/api-call'
import type { RequestContexts } from '../request-contexts'
import { openaiDocs } from './openai-docs'

/**
 * OpenAI's API. Bodies are read by the pipeline, never by Elysia: pass-through bodies (multipart, audio)
 * must stream untouched, and JSON errors must come out in OpenAI's shape.
 */
export function openaiRoutes(contexts: RequestContexts, deps: ApiCallDeps) {
  const handle = ({ request }: { request: Request }) => apiCall(contexts.of(request), request, deps)
  const raw = { parse: 'none' as const }
  const hidden = { ...raw, detail: { hide: true } }

  return new Elysia({ name: 'openai-routes' })
    .post(publicPathOf('chat'), handle, { ...raw, detail: openaiDocs.chat })
    .post(publicPathOf('completions'), handle, { ...raw, detail: openaiDocs.completions })
    .post(publicPathOf('embeddings'), handle, { ...raw, detail: openaiDocs.embeddings })
    .post(publicPathOf('responses'), handle, { ...raw, detail: openaiDocs.responses })
    .get('/v1/models', handle, { ...raw, detail: openaiDocs.models })
    .get('/v1/usage', handle, { ...raw, detail: openaiDocs.usage })
    .get('/v1/dashboard/billing/subscription', handle, { ...raw, detail: openaiDocs.billingSubscription })
    .get('/v1/dashboard/billing/usage', handle, { ...raw, detail: openaiDocs.billingUsage })
    .all('/v1/*', handle, hidden)
    .all('/v1', handle, hidden)
    // Clients configured with a base URL without /v1 (some browser extensions) are served the same.
    .all('/*', handle, hidden)
}
