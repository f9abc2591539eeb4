// The matrix's Anthropic Messages cells (issue 22): the chat question sent as a `POST /v1/messages` request
// (the proxy key in `x-api-key`, `anthropic-version`, as the Anthropic SDK and Claude Code send it), beside the
// chat targets and in the same rotation.
//   (c-m) a proxy-gpt of its own, cache off, whose one upstream is the fake upstream as `provider: anthropic`:
//         the request goes natively to the fake's /v1/messages;
//   (t-m) (c)'s proxy-gpt (cache off, the fake as its default `provider: openai` upstream): the request is
//         translated to /chat/completions and the answer or the stream back — same process, same upstream as
//         (c), so the difference between the two is the translation;
//   (d-m) (d)'s proxy-gpt (cache on), the request warmed once: every later one is an exact hit, replayed as
//         the stored message or as Anthropic's event stream.

import type { Processes } from './lib/proc'
import { middleRounds, RESPONSES_TARGETS, responsesRounds } from './responses-cells'
import { anthropicConfig, type Endpoint, messagesBody, messagesHeaders, QUESTION, startProxy } from './servers'

export const MESSAGES_TARGETS = ['c-m', 't-m', 'd-m'] as const
export type MessagesTargetId = (typeof MESSAGES_TARGETS)[number]

export const isMessagesTarget = (id: string): id is MessagesTargetId => (MESSAGES_TARGETS as readonly string[]).includes(id)

/** The rounds (0-based) the Messages targets take part in: the middle `messagesRounds` of them (none with 0), or every one. */
export function messagesRounds(options: { rounds: number; messagesRounds?: number }): number[] {
  return middleRounds(options.rounds, options.messagesRounds)
}

/** The rounds a target takes part in: the Responses and Messages targets in theirs, every other one in all. */
export function roundsOf(id: string, options: { rounds: number; responsesRounds?: number; messagesRounds?: number }): number[] {
  if ((RESPONSES_TARGETS as readonly string[]).includes(id)) return responsesRounds(options)
  if (isMessagesTarget(id)) return messagesRounds(options)
  return middleRounds(options.rounds)
}

/** The fake's own message ids (48 hex digits); proxy-gpt makes ids of its own (`msg_01…`) for a translated answer. */
const FAKE_MESSAGE_ID = /^msg_[0-9a-f]{48}$/

/** One JSON Messages request to `endpoint`: the id of the message it answered. */
async function messageId(endpoint: Endpoint): Promise<string> {
  const response = await fetch(`${endpoint.url}/v1/messages`, { method: 'POST', headers: messagesHeaders, body: messagesBody(QUESTION, false) })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`${endpoint.child.name} answered a Messages request with ${response.status}: ${text.slice(0, 300)}`)
  return String(JSON.parse(text).id)
}

/** The proxy-gpt (cache off) of (c-m), which reaches the fake upstream as `provider: anthropic`. */
export async function startNative(procs: Processes, upstream: Endpoint): Promise<Endpoint> {
  return startProxy(procs, upstream, 'proxy-gpt-messages-native', { CACHE_ALLOWED: 'false', PROXY_CONFIG: anthropicConfig(upstream) })
}

/**
 * Each Messages target goes the way it is labelled: (c-m)'s answer is the fake's own message, byte for byte;
 * (t-m)'s is one proxy-gpt made from a chat answer. The fake answers /v1/messages too, so the answer's id is
 * what tells a translation from a native forward.
 */
export async function checkMessagesPaths(native: Endpoint, translating: Endpoint): Promise<void> {
  const [nativeId, translatedId] = [await messageId(native), await messageId(translating)]
  if (!FAKE_MESSAGE_ID.test(nativeId)) throw new Error(`${native.child.name}: the message id ${nativeId} is not the fake upstream's: not a native forward`)
  if (FAKE_MESSAGE_ID.test(translatedId)) throw new Error(`${translating.child.name}: the message id ${translatedId} is the fake upstream's own: not translated`)
}

/** The cache of (d-m) learns the Messages request once (a miss, stored): every later ask is an exact hit. */
export async function warmMessages(cacheOn: Endpoint): Promise<void> {
  const warm = await fetch(`${cacheOn.url}/v1/messages`, { method: 'POST', headers: messagesHeaders, body: messagesBody(QUESTION, false) })
  const text = await warm.text()
  if (warm.status !== 200 || warm.headers.get('x-cache') !== 'MISS') {
    throw new Error(`warming ${cacheOn.child.name} with a Messages request: HTTP ${warm.status}, x-cache ${warm.headers.get('x-cache')}: ${text.slice(0, 300)}`)
  }
}
