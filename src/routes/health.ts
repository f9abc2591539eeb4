import { Elysia } from 'elysia'
import { VERSION } from '../version'

/** Liveness for Docker and Hugging Face: no auth, no upstream call. */
export const healthRoutes = new Elysia({ name: 'health-routes' })
  .get('/health', () => ({ status: 'ok', version: VERSION }), {
    detail: { summary: 'Health check (no auth)', tags: ['Service'] },
  })
  // A Space opens its root URL in the browser: say what is running here instead of a 401.
  .get('/', () => ({ name: 'proxy-gpt', version: VERSION, api: '/v1', docs: '/swagger', health: '/health' }), {
    detail: { hide: true },
  })
