import type { JsonObject } from '../../../../src/openai/validate'
import type { AnswerContext } from '../../../../src/dialects/translate/responses-chat-answer'
import { responsesToChat } from '../../../../src/dialects/translate/responses-chat-request'

// What the Responses ⇄ chat translation tables share: a response's context, a chat answer.

export function contextFor(request: JsonObject): AnswerContext {
  return { id: 'resp_test0001', createdAt: 1_767_225_600, now: () => 1_767_225_605, request, tools: responsesToChat(request, request.previous_response_id ? [] : undefined, 'deepseek').tools }
}

export const completion = (message: Record<string, unknown>, finish: string | null = 'stop', usage: Record<string, unknown> | null = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 }) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_767_225_599,
  model: 'deepseek-chat',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: finish }],
  ...(usage ? { usage } : {}),
})

