import { Elysia } from 'elysia'
import { VERSION } from '../../version'

/** Liveness for Docker and Hugging Face: no auth, no upstream call. */
export const healthRoutes = new Elysia({ name: 'health-routes' })
  .get('/health', () => ({ status: 'ok', version: VERSION }), {
    detail: { summary: 'Health check (no auth)', tags: ['Service'], responses: { '200': { description: '`{ status: "ok", version }`' } } },
  })

