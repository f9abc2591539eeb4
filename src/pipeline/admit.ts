import type { ClientKey } from '../auth/client-key'
import { ApiError } from '../errors'
import type { Admission, Call, Gatekeeper } from '../limits/gatekeeper'
import type { RequestContext } from './context'

/** The gatekeeper's admission, noting a refusal in the request's statistics. */
export async function admit(ctx: RequestContext, key: ClientKey, gatekeeper: Gatekeeper, call?: Call): Promise<Admission> {
  try {
    return await gatekeeper.admit(key, call)
  } catch (error) {
    if (error instanceof ApiError && error.code === 'rate_limit_exceeded') ctx.rateLimited = true
    if (error instanceof ApiError && error.code === 'insufficient_quota') ctx.overBudget = true
    throw error
  }
}
