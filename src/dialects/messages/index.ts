import type { StoredAnswer } from '../../openai/answer'
import { messagesAffinity } from '../affinity'
import { removeChatSkipWord } from '../chat/cache-keys'
import { JSON_CONTENT, ReplayTemplate, SSE_CONTENT } from '../replay-template'
import { newMessageId } from '../translate/messages-events'
import type { CachedDialect, ReplayForm } from '../types'
import { completeMessageText, messagesReplayForm, replayableMessages } from './answer'
import { messagesKeyMaterial } from './cache-keys'
import { thinkingUnderCap } from './cap'
import { messagesErrorResponse } from './errors'
import { MessagesRecorder } from './recorder'
import { replayJson, replaySse } from './replay'
import { validateMessagesRequest } from './validate'

// Anthropic's Messages API (`/v1/messages`, DESIGN §1.8 "Messages"): checked, capped and cached like chat,
// its errors in Anthropic's envelope. Its stream carries its usage on its own (`message_start`,
// `message_delta`), so nothing is asked for or withheld.

function template(answer: StoredAnswer, form: ReplayForm): ReplayTemplate {
  const text = form.stream ? replaySse(answer) : JSON.stringify(replayJson(answer))
  return ReplayTemplate.of(text, form.stream ? SSE_CONTENT : JSON_CONTENT, newMessageId)
}

export const messagesDialect: CachedDialect = {
  name: 'messages',
  outputCapFields: ['max_tokens'],
  afterCap: thinkingUnderCap,
  validate: validateMessagesRequest,
  affinityKey: messagesAffinity,
  errorResponse: messagesErrorResponse,
  keyMaterial: messagesKeyMaterial,
  // The last user message's first text block, as for chat: the two share the message shape.
  removeSkipWord: removeChatSkipWord,
  replayable: replayableMessages,
  askForUsage: () => false,
  usageFilter: () => undefined,
  recorder: (body) => (body.stream === true ? new MessagesRecorder() : undefined),
  completeAnswer: completeMessageText,
  replayForm: messagesReplayForm,
  template,
}
