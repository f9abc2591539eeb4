import { Elysia } from 'elysia'
import type { Config } from '../config'
import { ApiError } from '../errors'
import { keyMatcher, presentedKey } from '../plugins/key-check'
import type { Stats } from '../stats/stats'

/**
 * GET /stats: the status page's figures as JSON (no auth: no secrets and no prompt text in them).
 * GET /metrics: Prometheus text, behind METRICS_KEY when that is set.
 */
export function statsRoutes(stats: Stats, config: Pick<Config, 'metricsKey'>) {
  const metricsKey = config.metricsKey ? keyMatcher([config.metricsKey]) : undefined
  return new Elysia({ name: 'stats-routes' })
    .get('/stats', () => stats.snapshot(), {
      detail: {
        summary: 'Usage, cache and upstream figures (what the status page shows)',
        tags: ['Operations'],
        responses: { '200': { description: 'The figures, as JSON' } },
      },
    })
    .get(
      '/metrics',
      async ({ request }) => {
        if (metricsKey && metricsKey(presentedKey(request.headers)) === -1) {
          throw new ApiError(401, 'GET /metrics needs "Authorization: Bearer <METRICS_KEY>".', 'invalid_request_error', 'invalid_api_key')
        }
        return new Response(await stats.prometheus(), { headers: { 'content-type': stats.contentType } })
      },
      {
        detail: {
          summary: 'Prometheus metrics',
          description: 'Text exposition format. Requires a bearer METRICS_KEY when one is configured.',
          tags: ['Operations'],
          security: config.metricsKey ? [{ metricsKey: [] }] : [],
          responses: {
            '200': { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...(config.metricsKey ? { '401': { description: 'Missing or wrong METRICS_KEY' } } : {}),
          },
        },
      }
    )
}
