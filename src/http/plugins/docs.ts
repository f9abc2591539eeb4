import { swagger } from '@elysiajs/swagger'
import { VERSION } from '../../version'
import { swaggerUiRoutes } from '../routes/swagger-ui'

/**
 * The OpenAPI document at /swagger/json, and the UI at /swagger from the proxy's own copy of swagger-ui (the
 * plugin's page would load it from a CDN). A new plugin per app: Elysia serves the plugin's page from a clone
 * of one Response, which a second app could not clone again.
 */
export const docs = () =>
  swagger({
    provider: 'swagger-ui',
    path: '/swagger',
    specPath: '/swagger/json',
    exclude: [/^\/$/, '/health', /^\/\*/],
    documentation: {
      info: {
        title: 'proxy-gpt',
        version: VERSION,
        description:
          'OpenAI-compatible gateway. Authorize with your proxy key (not the OpenAI key), then try the /v1 routes. ' +
          'Requests count against MODEL_RATE_LIMIT and output is capped at MAX_OUTPUT_TOKENS.',
      },
      tags: [
        { name: 'OpenAI', description: 'Forwarded to the upstream with the real key' },
        { name: 'Operations', description: 'Figures for the status page and Prometheus' },
        { name: 'Admin', description: 'Cache administration, behind ADMIN_KEY (off when unset)' },
        { name: 'Cache', description: 'Judging cached answers: a proxy key for what it was served, or ADMIN_KEY' },
        { name: 'Service' },
      ],
      components: {
        securitySchemes: {
          proxyKey: { type: 'http', scheme: 'bearer', description: 'One of the PROXY_KEY values' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_KEY' },
          metricsKey: { type: 'http', scheme: 'bearer', description: 'The METRICS_KEY' },
        },
      },
    },
  }).use(swaggerUiRoutes())
