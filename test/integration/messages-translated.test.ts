// Anthropic's Messages API on an upstream that speaks only Chat Completions (DESIGN §1.8, issue 22 point 3):
// Claude Code or the Anthropic SDK pointed at DeepSeek through the proxy. The request is translated to chat,
// the answer (JSON or stream) back to Messages; DeepSeek's reasoning comes back as thinking; count_tokens is
// the proxy's own estimate; hits are replayed in Messages; the Responses API reaches an anthropic upstream
// through chat too.

import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const DEEPSEEK_KEY = 'sk-deepseek-upstream-key-9876543210'
const CLAUDE_KEY = 'sk-ant-api03-upstream-key-Rt5Yu8Io2Pa4Sd'

let deepseek: FakeUpstream
let claude: FakeAnthropic
let proxy: TestProxy
beforeAll(async () => {
  deepseek = await startFakeUpstream({ speaks: 'chat' })
  claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
  const config = {
    upstreams: [
      { name: 'deepseek', base_url: `${deepseek.url}/v1`, provider: 'openai-chat', keys: [DEEPSEEK_KEY], models: ['deepseek-*'] },
      { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*'] },
    ],
  }
  proxy = await startProxy({ PROXY_CONFIG: JSON.stringify(config), PROXY_KEY, MODEL_RATE_LIMIT: '0', MAX_OUTPUT_TOKENS: '0', CACHE_SEMANTIC: 'false' })
})
afterAll(async () => {
  await proxy.stop()
  await deepseek.stop()
  await claude.stop()
})
beforeEach(() => {
  deepseek.reset()
  claude.reset()
})

const anthropic = () => new Anthropic({ apiKey: PROXY_KEY, baseURL: proxy.url, maxRetries: 0 })
const chats = () => deepseek.requests.filter((r) => r.path === '/v1/chat/completions')
const fresh = (words: string) => `${words} ${crypto.randomUUID().slice(0, 8)}`

describe('the Anthropic SDK against a chat-only upstream', () => {
  test('messages.create: sent as chat (system, the user message, max_tokens), answered as a Message', async () => {
    const content = fresh('Hello DeepSeek')
    const message = await anthropic().messages.create({ model: 'deepseek-chat', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content }] })
    expect(message.type).toBe('message')
    expect(message.content[0]).toMatchObject({ type: 'text', text: `Echo: ${content}` })
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage.input_tokens).toBeGreaterThanOrEqual(0)
    const sent = chats()[0]!.json
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content },
    ])
    expect(sent.max_tokens).toBe(100)
    expect(claude.requests).toEqual([])
  })

  test('messages.stream + finalMessage(); the repeat is a hit replayed as Anthropic SSE', async () => {
    const content = fresh('Stream through DeepSeek')
    deepseek.fault({ path: '/v1/chat/completions', splitBytes: 17 })
    const first = await anthropic().messages.stream({ model: 'deepseek-chat', max_tokens: 100, messages: [{ role: 'user', content }] }).finalMessage()
    expect(first.content[0]).toMatchObject({ type: 'text', text: `Echo: ${content}` })
    const again = await anthropic().messages.stream({ model: 'deepseek-chat', max_tokens: 100, messages: [{ role: 'user', content }] }).finalMessage()
    expect(again.content).toEqual(first.content)
    expect(chats()).toHaveLength(1)
  })

  test("DeepSeek's reasoning comes back as a thinking block when thinking is enabled", async () => {
    const message = await anthropic().messages.create({
      model: 'deepseek-reasoner',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: fresh('Think about this') }],
    })
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text'])
    expect((message.content[0] as Anthropic.ThinkingBlock).thinking).toContain('Thinking about')
    expect(chats()[0]!.json.thinking).toBeUndefined()
  })

  test('a tool round trip through chat, ids kept; a system message after the user one is accepted', async () => {
    const client = anthropic()
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }]
    const question = { role: 'user' as const, content: fresh('What is the weather in Paris?') }
    const first = await client.messages.create({ model: 'deepseek-chat', max_tokens: 100, tools, messages: [question] })
    const use = first.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } })
    const second = await client.messages.create({
      model: 'deepseek-chat',
      max_tokens: 100,
      tools,
      // Claude Code puts a system-role message right after the user's question.
      messages: [question, { role: 'system', content: 'harness note' } as any, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny' }] }],
    })
    expect(second.content.find((b) => b.type === 'text')).toMatchObject({ text: 'The tool said: Sunny' })
    const messages = chats().at(-1)!.json.messages
    expect(messages.find((m: any) => m.role === 'tool')).toMatchObject({ tool_call_id: use.id })
  })

  test("countTokens is the proxy's estimate where no upstream counts", async () => {
    const counted = await anthropic().messages.countTokens({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'Count these words please' }] })
    expect(counted.input_tokens).toBeGreaterThan(0)
    expect(deepseek.requests).toEqual([])
  })
})

describe('the Responses API on an anthropic upstream (Responses → chat → Messages)', () => {
  test('create and stream', async () => {
    const input = fresh('Responses to Claude')
    const response = await proxy.client().responses.create({ model: 'claude-sonnet-4-5', input, max_output_tokens: 100 })
    expect(response.output_text).toBe(`Echo: ${input}`)
    const streamed = await proxy.client().responses.stream({ model: 'claude-sonnet-4-5', input: fresh('Stream Responses to Claude'), max_output_tokens: 100 }).finalResponse()
    expect(streamed.output_text).toMatch(/^Echo: Stream Responses to Claude/)
    expect(claude.requests.filter((r) => r.path.startsWith('/v1/messages')).length).toBe(2)
  })
})
