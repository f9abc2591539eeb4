import type { StoredAnswer } from '../../openai/answer'
import { chatAffinity } from '../affinity'
import { JSON_CONTENT, ReplayTemplate, SSE_CONTENT, STAMP_SLOTS } from '../replay-template'
import type { CachedDialect, ReplayForm } from '../types'
import { askForStreamUsage, completeChoices, replayableChat, replayFormOf } from './answer'
import { chatKeyMaterial, completionsKeyMaterial, removeChatSkipWord, removePromptSkipWord } from './cache-keys'
import { StreamRecorder } from './recorder'
import { newAnswerId, replayJson, replaySse } from './replay'
import { UsageChunkFilter } from './usage-filter'
import { validateChat, validateCompletions } from './validate'

// OpenAI's Chat Completions (`/v1/chat/completions`) and legacy Completions (`/v1/completions`): the two
// dialects share their stream format, their answers' choices and OpenAI's error envelope.

function template(answer: StoredAnswer, form: ReplayForm): ReplayTemplate {
  const endpoint = answer.endpoint as 'chat' | 'completions'
  const text = form.stream
    ? replaySse(answer, { includeUsage: form.includeUsage }, 0, STAMP_SLOTS)
    : JSON.stringify(replayJson(answer, 0, STAMP_SLOTS))
  return ReplayTemplate.of(text, form.stream ? SSE_CONTENT : JSON_CONTENT, () => newAnswerId(endpoint))
}

const shared = {
  errorResponse: (error: { toResponse(): Response }) => error.toResponse(),
  replayable: replayableChat,
  askForUsage: askForStreamUsage,
  usageFilter: () => new UsageChunkFilter(),
  replayForm: replayFormOf,
  template,
}

export const chatDialect: CachedDialect = {
  ...shared,
  name: 'chat',
  // max_completion_tokens first: it is the current field, and the one reasoning models accept.
  outputCapFields: ['max_completion_tokens', 'max_tokens'],
  validate: validateChat,
  affinityKey: chatAffinity,
  keyMaterial: chatKeyMaterial,
  removeSkipWord: removeChatSkipWord,
  recorder: (body) => (body.stream === true ? new StreamRecorder('chat') : undefined),
  completeAnswer: (text) => completeChoices('chat', text),
}

export const completionsDialect: CachedDialect = {
  ...shared,
  name: 'completions',
  outputCapFields: ['max_tokens'],
  validate: validateCompletions,
  keyMaterial: completionsKeyMaterial,
  removeSkipWord: removePromptSkipWord,
  recorder: (body) => (body.stream === true ? new StreamRecorder('completions') : undefined),
  completeAnswer: (text) => completeChoices('completions', text),
}
