import type { Endpoint } from './endpoints'
import type { JsonObject } from './validate'

// The spending cap. A client that asks for more gets the cap; one that asks for nothing gets the cap too,
// because an unset limit means "as long as the model likes".

const TOKEN_FIELDS: Partial<Record<Endpoint, readonly string[]>> = {
  // max_completion_tokens first: it is the current field, and the one reasoning models accept.
  chat: ['max_completion_tokens', 'max_tokens'],
  completions: ['max_tokens'],
  responses: ['max_output_tokens'],
}

/** Mutates `body`; returns true when it changed anything. `cap` 0 means no cap. */
export function clampOutputTokens(endpoint: Endpoint, body: JsonObject, cap: number): boolean {
  const fields = TOKEN_FIELDS[endpoint]
  if (!fields || cap <= 0) return false
  let changed = false
  let present = false
  for (const field of fields) {
    const value = body[field]
    if (typeof value !== 'number') continue
    present = true
    if (value > cap) {
      body[field] = cap
      changed = true
    }
  }
  if (!present) {
    for (const field of fields) delete body[field] // drop explicit nulls ("no limit")
    body[fields[0]!] = cap
    changed = true
  }
  return changed
}
