import { bearerGuard } from '../auth/bearer'
import type { Config } from '../config/load'
import { notFound } from '../errors'

/** The check of every /admin route: off (404) without ADMIN_KEY, 401 without the right bearer. */
export function adminGuard(config: Pick<Config, 'adminKey'>): (request: Request) => void {
  const check = config.adminKey ? bearerGuard(config.adminKey, 'ADMIN_KEY') : undefined
  return (request) => {
    if (!check) throw notFound('The admin API is off: set ADMIN_KEY to enable it.', 'admin_disabled')
    check(request.headers)
  }
}
