// The matrix's Responses cells (issue 21): the chat question sent as a `POST /v1/responses` request, beside
// the chat targets and in the same rotation.
//   (c-r) proxy-gpt with the cache off, its upstream the fake that speaks Responses itself (provider openai);
//   (d-r) proxy-gpt with the cache on, the Responses request warmed once: every later one is an exact hit,
//         replayed as the stored response or its whole event sequence;
//   (t-r) proxy-gpt with the cache off in front of a chat-only fake (404 on /v1/responses) named in
//         PROXY_CONFIG as `provider: openai-chat`: the request is translated to /chat/completions, the answer
//         or the stream translated back.
// (c-r) and (d-r) are the chat targets' own proxies; (t-r) has a proxy and an upstream of its own.

import type { Processes } from './lib/proc'
import { chatOnlyConfig, type Endpoint, proxyHeaders, QUESTION, responsesBody, startProxy, startUpstream, upstreamHeaders } from './servers'

export const RESPONSES_TARGETS = ['c-r', 'd-r', 't-r'] as const
export type ResponsesTargetId = (typeof RESPONSES_TARGETS)[number]

export const isResponsesTarget = (id: string): id is ResponsesTargetId => (RESPONSES_TARGETS as readonly string[]).includes(id)

/** The middle `count` of `rounds` rounds (0-based), or every one when `count` is not said. */
export function middleRounds(rounds: number, count = rounds): number[] {
  const taken = Math.max(0, Math.min(count, rounds))
  const first = Math.floor((rounds - taken) / 2)
  return Array.from({ length: taken }, (_, i) => first + i)
}

/** The rounds (0-based) the Responses targets take part in: the middle `responsesRounds` of them, or every one. */
export function responsesRounds(options: { rounds: number; responsesRounds?: number }): number[] {
  return middleRounds(options.rounds, options.responsesRounds)
}

/** The chat-only fake upstream and the proxy-gpt (cache off) that reaches it as `provider: openai-chat`. */
export async function startTranslating(procs: Processes, latencyMs: number): Promise<{ upstream: Endpoint; proxy: Endpoint }> {
  const upstream = await startUpstream(procs, latencyMs, undefined, true)
  const proxy = await startProxy(procs, upstream, 'proxy-gpt-responses-to-chat', { CACHE_ALLOWED: 'false', PROXY_CONFIG: chatOnlyConfig(upstream) })
  // Without the translation the answer would be the chat-only upstream's 404: make sure it is not.
  const direct = await fetch(`${upstream.url}/v1/responses`, { method: 'POST', headers: upstreamHeaders, body: responsesBody(QUESTION, false) })
  await direct.text()
  if (direct.status !== 404) throw new Error(`the chat-only fake upstream answered /v1/responses with ${direct.status}, not 404`)
  return { upstream, proxy }
}

/** The cache of (d-r) learns the Responses request once (a miss, stored): every later ask is an exact hit. */
export async function warmResponses(cacheOn: Endpoint): Promise<void> {
  const warm = await fetch(`${cacheOn.url}/v1/responses`, { method: 'POST', headers: proxyHeaders, body: responsesBody(QUESTION, false) })
  const text = await warm.text()
  if (warm.status !== 200 || warm.headers.get('x-cache') !== 'MISS') {
    throw new Error(`warming ${cacheOn.child.name} with a Responses request: HTTP ${warm.status}, x-cache ${warm.headers.get('x-cache')}: ${text.slice(0, 300)}`)
  }
}
