import type { ClientKey } from '../auth/client-key'
import { ApiError } from '../errors'
import type { Admission, Gatekeeper } from '../limits/gatekeeper'
import type { RequestContext } from './context'

/** The gatekeeper's admission, noting a refusal in the request's statistics. */
export async function admit(ctx: RequestContext, key: ClientKey, gatekeeper: Gatekeeper): Promise<Admission> {
  try {
    return await gatekeeper.admit(key)
  } catch (error) {
    if (error instanceof ApiError && error.code === 'rate_limit_exceeded') ctx.rateLimited = true
    throw error
  }
}
