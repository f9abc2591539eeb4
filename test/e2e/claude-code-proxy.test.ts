// Claude Code through the proxy (issue 22 point 5): `claude -p` with ANTHROPIC_BASE_URL at the proxy's root
// and the proxy key as ANTHROPIC_AUTH_TOKEN (or ANTHROPIC_API_KEY), on an `anthropic` upstream and on a
// chat-only one (DeepSeek through translation), with a default 300-token key. Skipped unless the CLI is
// installed (CLAUDE_CODE_BIN, or `claude` on PATH): it is a 245 MB download, not a dependency.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { claudeCodeSkipReason, runClaudeCode } from '../helpers/claude-code'
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic'
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream'
import { PROXY_KEY, startProxy, type TestProxy } from '../helpers/start-proxy'

const CLAUDE_KEY = 'sk-ant-api03-upstream-for-claude-code-Qw3Er'
const DEEPSEEK_KEY = 'sk-deepseek-upstream-for-claude-code-As4Df'
const TIMEOUT_MS = 60_000

describe.skipIf(!!claudeCodeSkipReason)('Claude Code through the proxy', () => {
  let claude: FakeAnthropic
  let deepseek: FakeUpstream
  let proxy: TestProxy
  beforeAll(async () => {
    claude = await startFakeAnthropic({ keys: [CLAUDE_KEY] })
    deepseek = await startFakeUpstream({ speaks: 'chat' })
    const config = {
      upstreams: [
        { name: 'claude', base_url: claude.baseUrl, provider: 'anthropic', keys: [CLAUDE_KEY], models: ['claude-*'] },
        { name: 'deepseek', base_url: `${deepseek.url}/v1`, provider: 'openai-chat', keys: [DEEPSEEK_KEY], models: ['deepseek-*'] },
      ],
    }
    // The seed's defaults: 4 requests a minute would stop a coding agent, so only the rate limit is lifted.
    proxy = await startProxy({ PROXY_CONFIG: JSON.stringify(config), PROXY_KEY, MODEL_RATE_LIMIT: '0' })
  })
  afterAll(async () => {
    await proxy?.stop()
    await claude?.stop()
    await deepseek?.stop()
  })

  test('on an anthropic upstream, with the proxy key as ANTHROPIC_AUTH_TOKEN and the default 300-token cap', async () => {
    const run = await runClaudeCode({ baseUrl: proxy.url, authToken: PROXY_KEY, prompt: 'hello through the proxy', model: 'claude-sonnet-4-5' })
    expect([run.exitCode, run.json?.result, run.json?.is_error]).toEqual([0, 'Echo: hello through the proxy', false])
    const sent = claude.requests.find((r) => r.method === 'POST')!
    expect(sent.headers['x-api-key']).toBe(CLAUDE_KEY)
    expect(sent.json.max_tokens).toBe(300)
  }, TIMEOUT_MS)

  test('on DeepSeek through translation, with the proxy key as ANTHROPIC_API_KEY', async () => {
    const run = await runClaudeCode({ baseUrl: proxy.url, apiKey: PROXY_KEY, prompt: 'hello deepseek', model: 'deepseek-chat' })
    expect([run.exitCode, run.json?.is_error]).toEqual([0, false])
    // Claude Code's user turn is several text blocks (its reminders, then the prompt): chat gets them joined.
    expect(run.json?.result).toStartWith('Echo: ')
    expect(run.json?.result).toEndWith('hello deepseek')
    expect(deepseek.requests.some((r) => r.path === '/v1/chat/completions')).toBe(true)
  }, TIMEOUT_MS)

  test('a wrong key ends at once with the proxy message, not a minute of retries', async () => {
    const run = await runClaudeCode({ baseUrl: proxy.url, apiKey: 'not-the-proxy-key', prompt: 'hi', model: 'claude-sonnet-4-5' })
    expect(run.exitCode).not.toBe(0)
    expect(`${run.stdout}${run.stderr}`).toMatch(/key/i)
  }, TIMEOUT_MS)
})
