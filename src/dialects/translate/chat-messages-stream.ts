import { chatUsage, finishReasonOf, toolCall, type ChatAnswerContext } from './chat-messages-answer'

// An `anthropic` upstream's stream, event by event (each parsed from its `data:`), as the chunks of a chat
// stream (DESIGN §1.8): `message_start` → the role chunk; text deltas → content, thinking deltas →
// `reasoning_content`, each tool_use block → a tool call of its own `index` (its start: id, name, empty
// arguments; its `input_json_delta` pieces: the arguments); `message_delta` → the stop reason and usage,
// given at `message_stop` as the finishing chunk and, when the client asked (`stream_options.include_usage`,
// which the proxy always asks a chat upstream for), a usage chunk with no choices. These chunks are what
// `ChatToResponsesStream` takes too: Responses → Messages is this, then that.
//
// An `error` event (Anthropic's `overloaded_error` mid-stream), or a stream that ends before `message_stop`,
// gives a chunk with an `error` (what OpenAI itself sends when a stream fails), which the OpenAI SDK throws
// on and the Responses translation ends as `response.failed` — never a finish reason.

type Json = Record<string, any>

export interface ChatStreamContext extends ChatAnswerContext {
  /** Whether the client asked for the usage chunk. */
  includeUsage: boolean
}

export class MessagesToChatStream {
  /** Tool-call index of each tool_use block, by the block's index. */
  private readonly tools = new Map<number, number>()
  private model: unknown
  private usage: Json = {}
  private stopReason: unknown
  private started = false
  private done = false

  constructor(private readonly context: ChatStreamContext) {}

  /** The chat chunks for one parsed Messages event; none once the stream ended. */
  push(event: Json): Json[] {
    if (this.done) return []
    switch (event?.type) {
      case 'message_start':
        return this.start(event.message)
      case 'content_block_start':
        return this.blockStart(typeof event.index === 'number' ? event.index : 0, event.content_block ?? {})
      case 'content_block_delta':
        return this.blockDelta(typeof event.index === 'number' ? event.index : 0, event.delta ?? {})
      case 'message_delta':
        if (event.delta?.stop_reason != null) this.stopReason = event.delta.stop_reason
        // Counts are cumulative, each overwriting the last (Anthropic's own SDK reads them so).
        for (const [key, value] of Object.entries(event.usage ?? {})) if (value != null) this.usage[key] = value
        return []
      case 'message_stop':
        return this.finish()
      case 'error':
        return this.fail(event.error?.type, event.error?.message)
      default:
        return []
    }
  }

  /** The chunks that end the stream once the upstream's stream ended: an error when it ended cut short. */
  end(): Json[] {
    return this.done ? [] : this.fail('api_error', 'The upstream ended the answer before it was finished.')
  }

  private chunk(delta: Json, finishReason: string | null = null): Json {
    return { ...this.head(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] }
  }

  private head(): Json {
    return { id: this.context.id, object: 'chat.completion.chunk', created: this.context.created, model: this.model ?? '' }
  }

  private start(message: Json | undefined): Json[] {
    if (this.started) return []
    this.started = true
    this.model = message?.model
    for (const [key, value] of Object.entries(message?.usage ?? {})) if (value != null) this.usage[key] = value
    return [this.chunk({ role: 'assistant', content: '' })]
  }

  private blockStart(index: number, block: Json): Json[] {
    const out = this.start(undefined)
    if (block.type === 'text' && typeof block.text === 'string' && block.text) out.push(this.chunk({ content: block.text }))
    else if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking) out.push(this.chunk({ reasoning_content: block.thinking }))
    else if (block.type === 'tool_use') {
      const tool = this.tools.size
      this.tools.set(index, tool)
      // An input given whole at the start (none is streamed then) is the arguments already.
      const input = block.input && typeof block.input === 'object' && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : ''
      out.push(this.chunk({ tool_calls: [{ index: tool, ...toolCall(block, input) }] }))
    }
    return out
  }

  private blockDelta(index: number, delta: Json): Json[] {
    if (delta.type === 'text_delta' && delta.text) return [this.chunk({ content: delta.text })]
    if (delta.type === 'thinking_delta' && delta.thinking) return [this.chunk({ reasoning_content: delta.thinking })]
    const tool = this.tools.get(index)
    if (delta.type === 'input_json_delta' && delta.partial_json && tool !== undefined) {
      return [this.chunk({ tool_calls: [{ index: tool, function: { arguments: delta.partial_json } }] })]
    }
    return []
  }

  private finish(): Json[] {
    const out = this.start(undefined)
    this.done = true
    out.push(this.chunk({}, finishReasonOf(this.stopReason)))
    if (this.context.includeUsage) out.push({ ...this.head(), choices: [], usage: chatUsage(this.usage) })
    return out
  }

  private fail(type: unknown, message: unknown): Json[] {
    this.done = true
    const text = typeof message === 'string' && message ? message : 'The upstream failed while answering.'
    return [{ ...this.head(), error: { message: text, type: typeof type === 'string' ? type : 'api_error', param: null, code: null } }]
  }
}
