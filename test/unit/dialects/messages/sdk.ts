import Anthropic from '@anthropic-ai/sdk'

// A tiny HTTP server on port 0 that answers `POST /v1/messages` with whatever a test hands it, and the real
// Anthropic SDK pointed at it: what the SDK makes of the proxy's bytes is what Claude Code and other
// Anthropic clients make of them.

export class SdkBench {
  private answer: () => Response = () => new Response('no answer set', { status: 500 })
  private readonly server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => this.answer() })
  readonly client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: `http://127.0.0.1:${this.server.port}`, maxRetries: 0 })

  /**
   * The SDK's stream helper reading `sse`: its final message as JSON (or what it threw). As JSON, because the
   * SDK hangs helpers of its own on the message (hidden properties, `parsed_output: null`) that are not part
   * of what was sent.
   */
  async finalMessage(sse: string): Promise<Record<string, any>> {
    this.answer = () => new Response(sse, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
    const message = await this.client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()
    const { parsed_output: _parsed, ...sent } = JSON.parse(JSON.stringify(message))
    return sent
  }

  /** The SDK's non-streamed call answered with `response`. */
  create(response: () => Response) {
    this.answer = response
    return this.client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] })
  }

  stop() {
    this.server.stop(true)
  }
}
