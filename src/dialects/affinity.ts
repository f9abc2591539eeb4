import type { JsonObject } from '../openai/validate'

// The prompt prefix of a request (DESIGN §1.9): what every later turn of the same conversation repeats word
// for word at the start of its prompt — the system or developer instructions, the tools and the first user
// message — hashed, so that the pool sends the turns to the same upstream key, whose provider has that
// prefix in its prompt cache (upstream/affinity.ts). Later messages are left out: they grow with each turn.
// Undefined when the request has no such prefix.

/** Chat: the messages up to the first user message (the system and developer ones before it), and the tools. */
export function chatAffinity(body: JsonObject): string | undefined {
  return prefixHash([throughFirstUser(body.messages), body.tools ?? body.functions])
}

/** Responses: the instructions, the tools and the input up to its first user message (a string input is one). */
export function responsesAffinity(body: JsonObject): string | undefined {
  const input = typeof body.input === 'string' ? body.input : throughFirstUser(body.input)
  return prefixHash([body.instructions, body.tools, input])
}

/** Anthropic Messages: the system prompt, the tools and the messages up to the first user message. */
export function messagesAffinity(body: JsonObject): string | undefined {
  return prefixHash([body.system, body.tools, throughFirstUser(body.messages)])
}

function throughFirstUser(items: unknown): unknown[] | undefined {
  if (!Array.isArray(items) || items.length === 0) return undefined
  const first = items.findIndex((item) => item?.role === 'user')
  return first === -1 ? items : items.slice(0, first + 1)
}

/**
 * A fast 64-bit hash of the parts, or undefined when all are absent. `cache_control` marks are left out:
 * Anthropic clients move the cache breakpoint to the newest message each turn, so the first user message
 * carries one only while it is the last.
 */
function prefixHash(parts: unknown[]): string | undefined {
  if (parts.every((part) => part === undefined || part === null || part === '')) return undefined
  const text = JSON.stringify(parts, (key, value) => (key === 'cache_control' ? undefined : value))
  return Bun.hash.wyhash(text).toString(36)
}
