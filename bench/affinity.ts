// `bun run bench/affinity.ts [--seed=1] [--conversations=30] [--turns=4] [--keys=2]` — how much of the
// prompts a provider's prompt cache serves (cached ÷ prompt tokens) when an upstream has several keys, with
// least-recently-used rotation and with affinity (DESIGN §1.9, issue 23 point 3). The conversations are made
// from a seed and interleaved as concurrent users would send them; the upstream is the per-key prompt-cache
// simulation of test/helpers/fake-prompt-cache.ts; the keys are chosen by the proxy's own pool, with the
// prompt prefix the chat dialect hands it (affinity) or without one (rotation, how the proxy chose before).

import { chatDialect } from '../src/dialects/chat'
import type { JsonObject } from '../src/openai/validate'
import { tokensOfAnswer } from '../src/openai/usage'
import { MemoryKeyHealth } from '../src/state/memory/key-health'
import type { Send } from '../src/upstream/client'
import { UpstreamPool } from '../src/upstream/pool'
import { PromptCacheSim } from '../test/helpers/fake-prompt-cache'

export interface AffinityOptions {
  seed?: number
  conversations?: number
  turns?: number
  keys?: number
  /** Whether conversations open with one of three apps' system prompts (some 150 words), or with none. */
  systemPrompts?: boolean
}

export interface CacheShare {
  requests: number
  promptTokens: number
  cachedTokens: number
  /** cached ÷ prompt tokens. */
  share: number
}

export interface AffinityResult {
  options: Required<AffinityOptions>
  rotation: CacheShare
  affinity: CacheShare
  /** All on one key: what the cache can serve at best (every turn still sends its newest messages uncached). */
  oneKey: CacheShare
}

/** Three apps' system prompts (a conversation uses one of them), each some 150 words. */
const APPS = ['a travel planner', 'a code reviewer', 'a support agent for a bank']
const VOCABULARY = 'answer briefly cite sources never reveal keys prefer tables when asked explain each step check facts twice use metric units keep a friendly tone ask before acting summarise long threads quote code exactly'.split(' ')

export async function measureAffinity(options: AffinityOptions = {}): Promise<AffinityResult> {
  const o = { seed: options.seed ?? 1, conversations: options.conversations ?? 30, turns: options.turns ?? 4, keys: options.keys ?? 2, systemPrompts: options.systemPrompts ?? true }
  return { options: o, rotation: await run(o, false), affinity: await run(o, true), oneKey: await run({ ...o, keys: 1 }, false) }
}

/** One pass over the same conversations, in the same order, against a fresh provider cache. */
async function run(o: Required<AffinityOptions>, affinity: boolean): Promise<CacheShare> {
  const random = mulberry32(o.seed)
  const sim = new PromptCacheSim()
  let id = 0
  const send: Send = async (target, request) => Response.json(sim.completion(target.key, JSON.parse(String(request.body)), ++id))
  const keys = Array.from({ length: o.keys }, (_, i) => `sk-bench-affinity-key-${i + 1}`)
  const pool = new UpstreamPool([{ name: 'provider', baseUrl: 'http://provider.test/v1', provider: 'openai', keys, models: ['*'], modelMap: {}, priority: 0, weight: 1 }], {
    health: new MemoryKeyHealth(),
    send,
    attempts: 1,
    log: () => {},
  })
  const systems = APPS.map((app) => `You are ${app}. ${sentence(random, 150)}`)
  const conversations = Array.from({ length: o.conversations }, (_, c) => ({
    messages: (o.systemPrompts ? [{ role: 'system', content: systems[Math.floor(random() * systems.length)]! }] : []) as JsonObject[],
    left: o.turns,
    topic: c,
  }))
  const total: CacheShare = { requests: 0, promptTokens: 0, cachedTokens: 0, share: 0 }
  // Interleaved as concurrent users send them: each step, a random conversation that has turns left.
  for (let active = conversations.slice(); active.length > 0; active = active.filter((c) => c.left > 0)) {
    const conversation = active[Math.floor(random() * active.length)]!
    const turn = o.turns - conversation.left--
    conversation.messages.push({ role: 'user', content: `Conversation ${conversation.topic}, question ${turn}: ${sentence(random, turn === 0 ? 60 : 20)}` })
    const body: JsonObject = { model: 'gpt-4o-mini', messages: conversation.messages }
    const answer = await pool.call({
      method: 'POST',
      path: '/chat/completions',
      headers: new Headers(),
      body: JSON.stringify(body),
      model: 'gpt-4o-mini',
      retryable: true,
      signal: new AbortController().signal,
      affinity: affinity ? chatDialect.affinityKey!(body) : undefined,
    })
    const text = await answer.response.text()
    const usage = tokensOfAnswer(text)!
    conversation.messages.push({ role: 'assistant', content: JSON.parse(text).choices[0].message.content })
    total.requests++
    total.promptTokens += usage.promptTokens
    total.cachedTokens += usage.cachedTokens ?? 0
  }
  total.share = total.promptTokens ? total.cachedTokens / total.promptTokens : 0
  return total
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(' ')
}

/** A small seeded generator: the same seed, the same conversations. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function formatAffinity({ options: o, rotation, affinity, oneKey }: AffinityResult): string {
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`
  const row = (name: string, r: CacheShare) => `${name.padEnd(28)}${String(r.promptTokens).padStart(14)}${String(r.cachedTokens).padStart(15)}${pct(r.share).padStart(15)}`
  return [
    `provider prompt caches: ${o.conversations} conversations × ${o.turns} turns over ${o.keys} keys, ${o.systemPrompts ? "three apps' system prompts" : 'no system prompt'} (seed ${o.seed})`,
    `${''.padEnd(28)}${'prompt tokens'.padStart(14)}${'cached tokens'.padStart(15)}${'cached share'.padStart(15)}`,
    row('rotation (least recent)', rotation),
    row('affinity (prompt prefix)', affinity),
    row('one key (the most there is)', oneKey),
  ].join('\n')
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const number = (name: string) => (arg(name) === undefined ? undefined : Number(arg(name)))
  const options = { seed: number('seed'), conversations: number('conversations'), turns: number('turns'), keys: number('keys') }
  for (const systemPrompts of [true, false]) console.log(`${formatAffinity(await measureAffinity({ ...options, systemPrompts }))}\n`)
}
