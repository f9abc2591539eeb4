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

/** The ApiError `fn` throws or its promise rejects with (an unknown key's refusal may wait on the key store). */
export async function rejectedApiError(fn: () => unknown): Promise<ApiError> {
  try {
    await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError)
    return error as ApiError
  }
  throw new Error('expected an ApiError, nothing was thrown')
}
