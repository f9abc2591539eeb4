// A provider's prompt cache, simulated per account (DESIGN §1.9, issue 23 point 3): a provider reads from its
// cache the longest start of a prompt that the same account (upstream key) has sent before, and says so in
// the usage (`prompt_tokens_details.cached_tokens`). Here a prompt is its tools and its messages, counted in
// whole messages: the cached part is the longest run of leading messages this key has seen, in that order.
// Tokens are words (plus 4 per message, as OpenAI counts a message's framing). The answers depend on the
// prompt only, never on the key, so that two runs sending the same conversations build the same prompts.

export interface PromptCacheAnswer {
  content: string
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number } }
}

const WORDS = 'the a of to and in is that for it as with on be by this are from at or an have not can which data model will more time each first also user key cache'.split(' ')

export class PromptCacheSim {
  /** Per key: hashes of every leading run of messages it has been sent. */
  private readonly seen = new Map<string, Set<string>>()

  /** Answers a chat request sent with `key`, and remembers its prompt for that key. */
  answer(key: string, body: { tools?: unknown; messages?: unknown[] }): PromptCacheAnswer {
    const units = [...(body.tools === undefined ? [] : [body.tools]), ...(body.messages ?? [])]
    const seen = this.seen.get(key) ?? new Set<string>()
    this.seen.set(key, seen)
    let prefix = ''
    let prompt = 0
    let cached = 0
    let hit = true
    for (const unit of units) {
      prefix = Bun.hash.wyhash(`${prefix}\u0000${JSON.stringify(unit)}`).toString(36)
      const tokens = tokensOf(unit)
      prompt += tokens
      hit &&= seen.has(prefix)
      if (hit) cached += tokens
      seen.add(prefix)
    }
    const content = answerText(prefix)
    const completion = words(content)
    return { content, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } } }
  }

  /** A whole chat completion, as OpenAI answers it. */
  completion(key: string, body: { model?: string; tools?: unknown; messages?: unknown[] }, id: number) {
    const { content, usage } = this.answer(key, body)
    return {
      id: `chatcmpl-cache-${id}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: body.model ?? 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage,
    }
  }
}

export interface FakePromptCache {
  url: string
  /** The upstream key of each chat request, in order. */
  keysUsed: string[]
  stop(): Promise<void>
}

/** The simulation behind an OpenAI-like HTTP API (chat completions, JSON and streamed, and the model list). */
export function startFakePromptCache(): FakePromptCache {
  const sim = new PromptCacheSim()
  const keysUsed: string[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const { pathname } = new URL(request.url)
      if (request.method === 'GET' && pathname === '/v1/models') return Response.json({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }] })
      if (request.method !== 'POST' || pathname !== '/v1/chat/completions') return Response.json({ error: { message: 'not here', type: 'invalid_request_error', param: null, code: null } }, { status: 404 })
      const key = (request.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '')
      keysUsed.push(key)
      const body: any = await request.json()
      const answer = sim.completion(key, body, keysUsed.length)
      if (body.stream !== true) return Response.json(answer)
      const base = { id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model }
      const events = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: answer.choices[0]!.message.content }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ...(body.stream_options?.include_usage ? [{ ...base, choices: [], usage: answer.usage }] : []),
      ]
      const text = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('') + 'data: [DONE]\n\n'
      return new Response(text, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, keysUsed, stop: () => server.stop(true) }
}

function tokensOf(unit: unknown): number {
  const message = unit as { content?: unknown }
  if (message && typeof message === 'object' && typeof message.content === 'string') return 4 + words(message.content)
  return 4 + words(JSON.stringify(unit))
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length

/** 40 to 119 words chosen by the prompt's hash: the same prompt, the same answer. */
function answerText(hash: string): string {
  let state = Number.parseInt(hash.slice(0, 8), 36) || 1
  const next = () => (state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0)
  const length = 40 + (next() % 80)
  return Array.from({ length }, () => WORDS[next() % WORDS.length]).join(' ')
}
