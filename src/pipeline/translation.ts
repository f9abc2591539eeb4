import type { DialectName } from '../dialects/types'
import { chatToMessages } from '../dialects/translate/chat-messages-request'
import { messageToChat } from '../dialects/translate/chat-messages-answer'
import { MessagesToChatStream } from '../dialects/translate/chat-messages-stream'
import { chatToMessage } from '../dialects/translate/messages-chat-answer'
import { messagesToChat } from '../dialects/translate/messages-chat-request'
import { ChatToMessagesStream } from '../dialects/translate/messages-chat-stream'
import { newMessageId } from '../dialects/translate/messages-events'
import { chatToResponse, type AnswerContext } from '../dialects/translate/responses-chat-answer'
import { responsesToChat } from '../dialects/translate/responses-chat-request'
import { ChatToResponsesStream } from '../dialects/translate/responses-chat-stream'
import { newItemId } from '../dialects/translate/responses-events'
import type { JsonObject } from '../openai/validate'
import type { PoolUpstream } from '../upstream/pool'

// Where a request's dialect meets an upstream that does not speak it (DESIGN §1.8): the request is
// translated through Chat Completions as the pivot (dialects/translate/) — Responses → chat, Messages → chat,
// chat → Messages, Responses → chat → Messages — and the upstream's answer is translated back the same way,
// as JSON or event by event.

type Json = Record<string, any>

/** How `upstream` can take a request of `dialect`: natively, by translation, or not at all. */
export function reach(dialect: DialectName, upstream: PoolUpstream, mustTranslate = false): 'native' | 'translated' | undefined {
  const speaks = upstream.adapter.speaks
  if (!mustTranslate && speaks.has(dialect)) return 'native'
  if (dialect === 'responses' || dialect === 'messages') return speaks.has('chat') || (dialect === 'responses' && speaks.has('messages')) ? 'translated' : undefined
  if (dialect === 'chat' && speaks.has('messages')) return 'translated'
  return undefined
}

/** A request as one upstream gets it by translation, and how its answer comes back. */
export interface Translated {
  /** The upstream's path for it: its chat or messages endpoint. */
  path: '/chat/completions' | '/messages'
  body: Json
  /** Tools left out (`x-dropped-tools`). */
  dropped: string[]
  /** The client's dialect of the answer. */
  client: 'chat' | 'responses' | 'messages'
  /** A whole JSON answer of the upstream, in the client's dialect. */
  answer(upstream: Json): Json
  /** A stream: each upstream event (parsed) as the client's SSE text; `end` when the upstream's stream ended. */
  stream(): { push(event: Json): string; end(): string; final(): Json | undefined }
  /** Responses: every input item of the conversation up to this answer, to keep with it. */
  input?: Json[]
}

/**
 * `body` of `dialect` for `upstream`. `history` is what the proxy kept of a Responses conversation
 * (`previous_response_id`). Throws `unsupportedByUpstream` for what the upstream cannot be told.
 */
export function translateRequest(dialect: DialectName, body: JsonObject, history: readonly unknown[] | undefined, upstream: PoolUpstream, model: string | undefined): Translated {
  const renamed = (sent: Json) => {
    if (model !== undefined) sent.model = upstream.modelMap[model] ?? model
    return sent
  }
  const toMessages = upstream.adapter.speaks.has('messages') && !upstream.adapter.speaks.has('chat')
  if (dialect === 'messages') {
    const { chat, dropped } = messagesToChat(body, upstream.name)
    const context = { id: newMessageId(), request: body }
    return {
      path: '/chat/completions',
      body: renamed(chat),
      dropped,
      client: 'messages',
      answer: (completion) => chatToMessage(completion, context),
      stream: () => sseOf(new ChatToMessagesStream(context)),
    }
  }
  if (dialect === 'chat') {
    const { body: sent, dropped } = chatToMessages(body, upstream.name)
    const context = { id: `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000) }
    const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true
    return {
      path: '/messages',
      body: renamed(sent),
      dropped,
      client: 'chat',
      answer: (message) => messageToChat(message, context),
      stream: () => chatSse(new MessagesToChatStream({ ...context, includeUsage })),
    }
  }
  // Responses: through chat, and on to Messages for an upstream that speaks only that.
  const { chat, dropped, input, tools } = responsesToChat(body, history, upstream.name)
  const context: AnswerContext = { id: newItemId('resp'), createdAt: Math.floor(Date.now() / 1000), request: body, tools }
  if (!toMessages) {
    return { path: '/chat/completions', body: renamed(chat), dropped, input, client: 'responses', answer: (completion) => chatToResponse(completion, context), stream: () => responsesSse(context) }
  }
  const viaMessages = chatToMessages(chat, upstream.name)
  const chatContext = { id: `chatcmpl-${context.id}`, created: context.createdAt }
  return {
    path: '/messages',
    body: renamed(viaMessages.body),
    dropped: [...dropped, ...viaMessages.dropped],
    input,
    client: 'responses',
    answer: (message) => chatToResponse(messageToChat(message, chatContext), context),
    stream: () => {
      const toChat = new MessagesToChatStream({ ...chatContext, includeUsage: true })
      const toResponses = responsesSse(context)
      const each = (chunks: Json[]) => chunks.map((chunk) => toResponses.push(chunk)).join('')
      return { push: (event) => each(toChat.push(event)), end: () => each(toChat.end()) + toResponses.end(), final: () => toResponses.final() }
    },
  }
}

function sseOf(stream: { push(chunk: Json): string; end(): string }) {
  return { push: (chunk: Json) => stream.push(chunk), end: () => stream.end(), final: () => undefined }
}

function responsesSse(context: AnswerContext) {
  const stream = new ChatToResponsesStream(context)
  return { push: (chunk: Json) => stream.push(chunk), end: () => stream.end(), final: () => stream.response }
}

/** Chat chunks as OpenAI's SSE, ending with `[DONE]` (a stream cut upstream ends with an error chunk instead). */
function chatSse(stream: MessagesToChatStream) {
  const data = (chunks: Json[]) => chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')
  return {
    push: (event: Json) => data(stream.push(event)),
    end: () => {
      const last = stream.end()
      return data(last) + (last.some((chunk) => chunk.error) ? '' : 'data: [DONE]\n\n')
    },
    final: () => undefined,
  }
}
