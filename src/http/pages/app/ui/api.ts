// Calls from the console and /me to the proxy's own API, with the key in an Authorization header (never in
// a URL, DESIGN §1.10). A refusal is an ApiError carrying the API's own message, which the page shows as it is.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null
  ) {
    super(message)
  }
}

export interface CallOptions {
  method?: string
  body?: unknown
}

/**
 * The proxy's own address as the browser sees it, without a trailing slash: the origin, and the path prefix
 * when a reverse proxy serves the proxy below one (the pages sit at its root: /console, /me).
 */
export function proxyBase(): string {
  return new URL('.', location.href).href.replace(/\/$/, '')
}

/** The JSON answer of `path` (`/admin/keys`: below the proxy's base), or an ApiError with the message of OpenAI's (or Anthropic's) error envelope. */
export async function callApi<T>(path: string, key: string, { method = 'GET', body }: CallOptions = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(`${proxyBase()}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    })
  } catch (error) {
    throw new ApiError(`The proxy did not answer (${(error as Error).message}).`, 0, null)
  }
  const text = await response.text()
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!response.ok) {
    const message = typeof json?.error?.message === 'string' ? json.error.message : `HTTP ${response.status}`
    throw new ApiError(message, response.status, typeof json?.error?.code === 'string' ? json.error.code : (json?.error?.type ?? null))
  }
  return json as T
}

/** A key kept for this tab only (sessionStorage): gone when the tab closes, never in localStorage. */
export const sessionKey = {
  get(name: string): string | null {
    try {
      return sessionStorage.getItem(name)
    } catch {
      return null
    }
  },
  set(name: string, value: string | null): void {
    try {
      if (value === null) sessionStorage.removeItem(name)
      else sessionStorage.setItem(name, value)
    } catch {
      // Kept in the page's memory only.
    }
  },
}
