import type { Provider, Verdict } from './types'

// What every adapter does alike, so that an adapter holds only its provider's own words: where the verdict
// is read from, and what those words mean.

/** base_url holds the version (`…/v1`), so every path sits right below it, query string and all. */
export const pathBelow = (baseUrl: string, path: string): string => baseUrl + path

/** The key as OpenAI and the providers that copy it take it. */
export const bearerKey = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` })

/**
 * A `classify` that sends a 5xx to the next upstream and gives any status outside `read` to the client
 * unread; the body of the rest is read (such error bodies are small) and kept in a new Response, and
 * `verdictOf` decides from the status and that text.
 */
export function classifier(read: ReadonlySet<number>, verdictOf: (status: number, text: string) => Verdict): Provider['classify'] {
  return async (response) => {
    const { status } = response
    if (status >= 500) return { verdict: 'next', response }
    if (!read.has(status)) return { verdict: 'answer', response }
    let text = ''
    try {
      text = await response.text()
    } catch {}
    const kept = new Response(text, { status, statusText: response.statusText, headers: response.headers })
    return { verdict: verdictOf(status, text), response: kept }
  }
}
