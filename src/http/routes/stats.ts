import { Elysia } from 'elysia'
import type { Config } from '../../config/load'
import type { StatsRecorder } from '../../stats/recorder'
import { ownKeyGuard, type Refuse } from '../admin-guard'

/**
 * GET /stats: the status page's figures as JSON (no auth: no secrets and no prompt text in them).
 * GET /metrics: Prometheus text, behind METRICS_KEY when that is set.
 */
export function statsRoutes(stats: StatsRecorder, config: Pick<Config, 'metricsKey'>, refuse?: Refuse) {
  const guard = config.metricsKey ? ownKeyGuard(config.metricsKey, 'METRICS_KEY', refuse) : undefined
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
        await guard?.(request)
        return new Response(await stats.prometheus.text(), { headers: { 'content-type': stats.prometheus.contentType } })
      },
      {
        detail: {
          summary: 'Prometheus metrics',
          description: 'Text exposition format. Requires a bearer METRICS_KEY when one is configured.',
          tags: ['Operations'],
          security: config.metricsKey ? [{ metricsKey: [] }] : [],
          responses: {
            '200': { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...(config.metricsKey ? { '401': { description: 'Missing or wrong METRICS_KEY (past 20 wrong keys a minute from one address: 429 too_many_failed_auth)' } } : {}),
          },
        },
      }
    )
}
