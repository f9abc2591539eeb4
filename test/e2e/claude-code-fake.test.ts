// The Claude Code CLI against the fake Anthropic upstream directly, no proxy between: what it sends (the
// requests the proxy must take) and that it accepts the fake's answers (so the fake stands for Anthropic in
// the proxy's own Claude Code tests). When a new Claude Code sends something else, this says what.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { claudeCodeSkipReason, runClaudeCode } from '../helpers/claude-code'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'

const KEY = 'sk-ant-claude-code-test-key'
const TIMEOUT_MS = 60_000

describe.skipIf(!!claudeCodeSkipReason)('Claude Code against the fake Anthropic upstream', () => {
  let fake: FakeAnthropic
  beforeAll(async () => void (fake = await startFakeAnthropic({ keys: [KEY, 'token-of-a-subscription'] })))
  afterAll(() => fake.stop())
  beforeEach(() => fake.reset())

  const messageCalls = () => fake.requests.filter((r) => r.method === 'POST')

  test('claude -p: one streamed POST /v1/messages?beta=true with its key, version and betas; the answer printed', async () => {
    const run = await runClaudeCode({ baseUrl: fake.url, apiKey: KEY, prompt: 'hello from the test' })
    expect([run.exitCode, run.json?.result, run.json?.is_error]).toEqual([0, 'Echo: hello from the test', false])
    const [call, ...more] = messageCalls()
    expect(more).toEqual([])
    expect(call!.path).toBe('/v1/messages?beta=true')
    expect(call!.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'x-app': 'cli' })
    expect(call!.headers.authorization).toBeUndefined()
    expect(call!.betas).toContain('claude-code-20250219')
    const body = call!.json
    expect(body.stream).toBe(true)
    expect(body.max_tokens).toBeGreaterThanOrEqual(32_000)
    expect(['adaptive', 'enabled']).toContain(body.thinking?.type)
    expect(body.system.some((block: any) => block.cache_control)).toBe(true)
    expect(body.tools.length).toBeGreaterThan(5)
    // The fake's usage (the prompt cache written) reaches Claude Code's own report.
    expect(run.json.usage.cache_creation_input_tokens).toBeGreaterThan(0)
  }, TIMEOUT_MS)

  test('a tool round trip: the fake calls a tool, Claude Code runs it and sends the tool_result back', async () => {
    const run = await runClaudeCode({ baseUrl: fake.url, apiKey: KEY, prompt: 'what is the weather in Paris' })
    expect(run.exitCode).toBe(0)
    expect(run.json.result).toStartWith('The tool said: ')
    const [first, second] = messageCalls()
    const sentBack = second!.json.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : []))
    const use = sentBack.find((b: any) => b.type === 'tool_use')
    expect(use).toMatchObject({ id: expect.stringMatching(/^toolu_fake_/), input: { city: 'Paris', unit: 'celsius' } })
    expect(sentBack.find((b: any) => b.type === 'tool_result')).toMatchObject({ tool_use_id: use.id })
    expect(first!.json.messages).toHaveLength(second!.json.messages.length - 2)
  }, TIMEOUT_MS)

  test('ANTHROPIC_AUTH_TOKEN goes as a Bearer token; a model it does not know gets 32000 tokens and a system message after the user\'s', async () => {
    const run = await runClaudeCode({ baseUrl: fake.url, authToken: 'token-of-a-subscription', model: 'deepseek-chat', prompt: 'hi' })
    expect([run.exitCode, run.json?.result]).toEqual([0, 'Echo: hi'])
    const call = messageCalls()[0]!
    expect(call.headers.authorization).toBe('Bearer token-of-a-subscription')
    expect(call.headers['x-api-key']).toBeUndefined()
    expect([call.json.model, call.json.max_tokens]).toEqual(['deepseek-chat', 32_000])
    const roles = call.json.messages.map((m: any) => m.role)
    expect(roles).toEqual(['user', 'system'])
  }, TIMEOUT_MS)

  test('a refused key: with retries off, one call and a clear failure', async () => {
    const run = await runClaudeCode({ baseUrl: fake.url, apiKey: 'sk-ant-wrong', prompt: 'hi' })
    expect(run.exitCode).not.toBe(0)
    expect(run.json?.is_error ?? true).toBe(true)
    expect(run.stdout).toContain('Invalid API key')
    expect(messageCalls()).toHaveLength(1)
  }, TIMEOUT_MS)
})
