import type { UpstreamConfig } from './upstreams'

// How a base URL is shown and what is worth a warning about it. The proxy appends `/chat/completions`,
// `/responses`, `/messages` to it, so a base URL without its API version (`https://api.openai.com` instead of
// `…/v1`) sends every call to a path that does not exist, and the provider answers 404 for each.

/** Scheme, host and path: no user, password or query, which can carry a key. */
export function shownBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl)
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  } catch {
    return '(not a URL)'
  }
}

/** A path segment that names an API version: v1, v3, v1beta, 2023-06-01-preview … */
const VERSION_SEGMENT = /^(v\d+[a-z0-9]*|\d{4}-\d{2}-\d{2}(-[a-z]+)?)$/i

export function lacksApiVersion(baseUrl: string): boolean {
  try {
    return !new URL(baseUrl).pathname.split('/').some((segment) => VERSION_SEGMENT.test(segment))
  } catch {
    return false
  }
}

/** A start-up warning per upstream whose base URL has no version in its path. */
export function baseUrlWarnings(upstreams: readonly (Pick<UpstreamConfig, 'name' | 'baseUrl'> & { provider?: UpstreamConfig['provider'] })[], fromEnv: boolean): string[] {
  return upstreams
    .filter((u) => lacksApiVersion(u.baseUrl))
    .map(
      (u) =>
        `warning: ${fromEnv ? 'OPENAI_BASE_URL' : `upstream "${u.name}": base_url`} ${shownBaseUrl(u.baseUrl)} has no API version in its path; ` +
        (u.provider === 'anthropic'
          ? // The URL providers document for Claude Code (ANTHROPIC_BASE_URL) stops before /v1: it is the one copied here.
            `requests go to ${shownBaseUrl(u.baseUrl)}/messages. Anthropic-compatible endpoints want it (https://api.anthropic.com/v1, https://api.deepseek.com/anthropic/v1): ` +
            'the base URL Claude Code takes (ANTHROPIC_BASE_URL) ends before /v1, an upstream\'s base_url includes it'
          : `requests go to ${shownBaseUrl(u.baseUrl)}/chat/completions. Most providers want it (https://api.openai.com/v1, https://api.deepseek.com/v1): check the provider's documentation`)
    )
}
