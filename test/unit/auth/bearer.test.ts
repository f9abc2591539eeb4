import { describe, expect, test } from 'bun:test'
import { apiError } from '../../helpers/api-error'
import { bearerGuard } from '../../../src/auth/bearer'

const SECRET = 'admin-secret-0123456789'

describe('bearerGuard', () => {
  const guard = bearerGuard(SECRET, 'ADMIN_KEY')

  test('the right key passes, as a Bearer token or an x-api-key / api-key header', () => {
    expect(() => guard(new Headers({ authorization: `Bearer ${SECRET}` }))).not.toThrow()
    expect(() => guard(new Headers({ 'x-api-key': SECRET }))).not.toThrow()
    expect(() => guard(new Headers({ 'api-key': SECRET }))).not.toThrow()
  })

  test.each([
    ['no credentials', {}],
    ['a wrong Bearer key', { authorization: 'Bearer not-the-secret' }],
    ['a prefix of the key', { authorization: `Bearer ${SECRET.slice(0, -1)}` }],
    ['the key without "Bearer"', { authorization: SECRET }],
  ])('%s → 401 invalid_api_key naming the credential', (_name, headers) => {
    const error = apiError(() => guard(new Headers(headers)))
    expect(error.status).toBe(401)
    expect(error.type).toBe('invalid_request_error')
    expect(error.code).toBe('invalid_api_key')
    expect(error.message).toContain('ADMIN_KEY')
    expect(error.message).not.toContain(SECRET)
  })

  test('each guard names its own credential', () => {
    const metrics = bearerGuard('metrics-secret', 'METRICS_KEY')
    expect(apiError(() => metrics(new Headers())).message).toBe('This endpoint needs "Authorization: Bearer <METRICS_KEY>".')
    expect(() => metrics(new Headers({ authorization: `Bearer ${SECRET}` }))).toThrow()
  })
})
