import { Elysia } from 'elysia'
import type { Authenticate } from '../../auth/client-key'
import { keyMatcher, presentedKey } from '../../auth/bearer'
import type { AnswerCache } from '../../cache/answer-cache'
import { readFeedback } from '../../cache/judgements'
import { badRequest, conflict } from '../../errors'
import { readBodyText } from '../../pipeline/request-body'
import type { RequestContexts } from '../request-contexts'

// POST /v1/cache/feedback (DESIGN §1.11): a cached answer judged wrong or right — by a proxy key, for an
// answer it was served in the last 24 hours, or by the owner with ADMIN_KEY, for any entry (the console's
// "Wrong answer"). The entry is the one its answer named in `x-cache-entry`.

export interface CacheFeedbackOptions {
  adminKey: string | undefined
  maxBodySize: number
  authenticate: Authenticate
}

export function cacheFeedbackRoutes(cache: AnswerCache | undefined, contexts: RequestContexts, { adminKey, maxBodySize, authenticate }: CacheFeedbackOptions) {
  const isOwner = adminKey ? keyMatcher([adminKey]) : () => -1
  const handle = async ({ request }: { request: Request }) => {
    const ctx = contexts.of(request)
    const owner = isOwner(presentedKey(request.headers)) === 0
    const found = owner ? undefined : authenticate(request, ctx.ip)
    const key = found instanceof Promise ? await found : found
    ctx.client = key ? key.hash : 'admin'
    if (!cache?.judgements) throw conflict('The cache is off (CACHE_ALLOWED=false): there is nothing to judge.', 'cache_disabled')
    let body: unknown
    try {
      body = JSON.parse(await readBodyText(request, maxBodySize))
    } catch (error) {
      if (error instanceof SyntaxError) throw badRequest('The body must be JSON: {"entry": "<id>", "verdict": "wrong" | "right"}.', null, 'invalid_json')
      throw error
    }
    const { entryId, verdict } = readFeedback(body)
    return { object: 'cache.feedback', ...(await cache.judgements.feedback(key?.id, entryId, verdict)) }
  }
  const detail = {
    tags: ['Cache'],
    summary: 'Judge a cached answer: wrong (it is not served again for that question, or deleted) or right',
    description:
      'Body `{"entry": "<id>", "verdict": "wrong" | "right"}`, the id from the answer\'s `x-cache-entry` header. A proxy key may judge the answers it was served in the last 24 hours (403 `entry_not_served` otherwise); the owner, with ADMIN_KEY, any entry (wrong deletes it). A semantic hit judged wrong no longer answers that question or nearer ones; an exact hit judged wrong is deleted.',
    security: [{ proxyKey: [] }, { adminKey: [] }] as Array<Record<string, string[]>>,
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' as const }, example: { entry: '42', verdict: 'wrong' } } } },
    responses: {
      '200': { description: '`{ object: "cache.feedback", entry, verdict, action: "refuted" | "confirmed" | "removed" }`' },
      '400': { description: 'A bad body' },
      '401': { description: 'No valid proxy key (or ADMIN_KEY)' },
      '403': { description: 'The key was not served that entry in the last 24 hours' },
      '404': { description: 'No such entry' },
      '409': { description: 'The cache is off' },
    },
  }
  return new Elysia({ name: 'cache-feedback' })
    .post('/v1/cache/feedback', handle, { parse: 'none', detail })
    .post('/cache/feedback', handle, { parse: 'none', detail: { hide: true } })
}
