import { describe, expect, test } from 'bun:test'
import { apiGroupOf, endpointOf, isAmbiguousPath, isOwnPath, requestTarget, upstreamPath } from '../../../src/openai/endpoints'

const path = (url: string) => upstreamPath(new URL(url, 'http://proxy.local'))

describe('upstreamPath', () => {
  test.each([
    ['/v1/chat/completions', '/chat/completions'],
    ['/chat/completions', '/chat/completions'],
    ['/v1/models?limit=5&after=x', '/models?limit=5&after=x'],
    ['/models?limit=5', '/models?limit=5'],
    ['/v1', '/'],
    ['/v1/', '/'],
    ['/', '/'],
    ['/v1beta/models', '/v1beta/models'],
    ['/v1beta', '/v1beta'],
    ['/v10/x', '/v10/x'],
    ['/v1/v1/files', '/v1/files'],
    ['/api/v1/chat/completions', '/api/v1/chat/completions'],
  ])('%p → %p', (input, expected) => {
    expect(path(input)).toBe(expected)
  })
})

describe('endpointOf', () => {
  test('POST to the understood paths', () => {
    expect(endpointOf('POST', '/chat/completions')).toBe('chat')
    expect(endpointOf('POST', '/completions')).toBe('completions')
    expect(endpointOf('POST', '/embeddings')).toBe('embeddings')
    expect(endpointOf('POST', '/responses')).toBe('responses')
  })

  test('trailing slashes and query strings are ignored', () => {
    expect(endpointOf('POST', '/chat/completions/')).toBe('chat')
    expect(endpointOf('POST', '/embeddings//')).toBe('embeddings')
    expect(endpointOf('POST', '/chat/completions?api-version=2024-06-01')).toBe('chat')
    expect(endpointOf('POST', '/completions/?x=1')).toBe('completions')
  })

  test('only POST is understood', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']) {
      expect(endpointOf(method, '/chat/completions')).toBeUndefined()
    }
  })

  test('other paths pass through', () => {
    expect(endpointOf('POST', '/models')).toBeUndefined()
    expect(endpointOf('POST', '/audio/transcriptions')).toBeUndefined()
    expect(endpointOf('POST', '/chat/completions/extra')).toBeUndefined()
    expect(endpointOf('POST', '/v1/chat/completions')).toBeUndefined() // callers pass upstreamPath's result
    expect(endpointOf('POST', '/')).toBeUndefined()
  })
})

describe('requestTarget', () => {
  test.each([
    ['http://proxy.local/v1/models?limit=5', '/v1/models', '?limit=5'],
    ['https://h:8443/v1/chat/completions', '/v1/chat/completions', ''],
    ['/v1/models', '/v1/models', ''], // Bun hands over the bare target when the Host header is unusable
    ['http://a b/v1/x?q#frag', '/v1/x', '?q'],
    ['http://host', '/', ''],
    ['garbage', '/', ''],
  ])('%p → %p %p', (url, pathname, search) => {
    expect(requestTarget(url)).toEqual({ pathname, search })
  })
})

describe('isAmbiguousPath', () => {
  test('empty segments and encoded slashes or backslashes', () => {
    for (const path of ['/v1//chat/completions', '//v1/models', '/v1/chat/completions//', '/v1/chat%2Fcompletions', '/v1/a%2fb', '/v1/a%5Cb', '/v1/a\\b']) {
      expect(isAmbiguousPath(path)).toBe(true)
    }
    for (const path of ['/v1/chat/completions', '/v1/chat/completions/', '/v1/files/file-%41bc', '/']) expect(isAmbiguousPath(path)).toBe(false)
  })
})

describe('apiGroupOf', () => {
  test.each([
    ['/chat/completions', 'chat'],
    ['/chat/completions/chatcmpl-1/messages', 'chat'],
    ['/completions', 'completions'],
    ['/embeddings', 'embeddings'],
    ['/models', 'models'],
    ['/models/gpt-4o-mini', 'models'],
    ['/responses/resp_1/input_items', 'responses'],
    ['/conversations/conv_1/items', 'responses'],
    ['/files/file-1/content?x=1', 'files'],
    ['/audio/transcriptions', 'audio'],
    ['/images/generations', 'images'],
    ['/moderations', 'moderations'],
    ['/fine_tuning/jobs', 'fine_tuning'],
    ['/vector_stores/vs_1/files', 'vector_stores'],
    ['/realtime/client_secrets', 'realtime'],
    ['/embeddings/', 'embeddings'],
  ])('%p → %p', (path, group) => {
    expect(apiGroupOf(path)).toBe(group as any)
  })

  test('outside the API', () => {
    for (const path of ['/', '/chat', '/chat/other', '/completions/x', '/embeddings/x', '/organization/users', '/key/generate', '/health', '/admin', '/v1/models', '/dashboard/billing/usage']) {
      expect(apiGroupOf(path)).toBeUndefined()
    }
  })

  test("the proxy's own paths, with or without /v1", () => {
    for (const path of ['/admin', '/admin/cache', '/stats', '/stats/x', '/metrics', '/health', '/swagger', '/swagger/json', '/v1/health', '/v1/admin/x', '/assets/status.js', '/v1/assets/x']) {
      expect(isOwnPath(path)).toBe(true)
    }
    for (const path of ['/v1/models', '/administer', '/healthz', '/statsd', '/assetsx']) expect(isOwnPath(path)).toBe(false)
  })
})
