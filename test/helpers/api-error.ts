import { expect } from 'bun:test'
import { ApiError } from '../../src/errors'

/** The ApiError thrown by `fn`; fails the test when nothing or something else is thrown. */
export function apiError(fn: () => unknown): ApiError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError)
    return error as ApiError
  }
  throw new Error('expected an ApiError, nothing was thrown')
}
