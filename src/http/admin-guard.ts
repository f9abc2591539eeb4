import { bearerGuard } from '../auth/bearer'
import { clientAddress } from '../auth/client-address'
import type { FailedAuth } from '../auth/failed-auth'
import type { Config } from '../config/load'
import { ApiError, notFound } from '../errors'
import type { RequestContexts } from './request-contexts'

/** What a wrong ADMIN_KEY or METRICS_KEY is answered with: its 401, or 429 for an address that failed too often. */
export type Refuse = (request: Request, unauthorized: ApiError) => Promise<ApiError>

/**
 * Wrong keys of the proxy's own APIs count against the caller's address like wrong proxy keys: the same
 * window, so guessing the admin key cannot go on where guessing a proxy key was stopped.
 */
export function refusals(failures: FailedAuth, contexts: RequestContexts, config: Pick<Config, 'trustProxy'>): Refuse {
  return (request, unauthorized) => failures.refuse(clientAddress(request.headers, contexts.of(request).ip, config.trustProxy), unauthorized)
}

/** The check of an API of the proxy's own behind `secret`: the 401 (or the 429 of `refuse`) naming `which`. */
export function ownKeyGuard(secret: string, which: string, refuse?: Refuse): (request: Request) => Promise<void> {
  const check = bearerGuard(secret, which)
  return async (request) => {
    try {
      check(request.headers)
    } catch (error) {
      throw refuse && error instanceof ApiError ? await refuse(request, error) : error
    }
  }
}

/** The check of every /admin route: off (404) without ADMIN_KEY, 401 without the right bearer. */
export function adminGuard(config: Pick<Config, 'adminKey'>, refuse?: Refuse): (request: Request) => Promise<void> {
  const check = config.adminKey ? ownKeyGuard(config.adminKey, 'ADMIN_KEY', refuse) : undefined
  return async (request) => {
    if (!check) throw notFound('The admin API is off: set ADMIN_KEY to enable it.', 'admin_disabled')
    await check(request)
  }
}
