import type { StoredAnswer } from '../../openai/answer'
import { responsesAffinity } from '../affinity'
import { JSON_CONTENT, ReplayTemplate, SSE_CONTENT } from '../replay-template'
import type { CachedDialect, ReplayForm } from '../types'
import { completeAnswerText, replayableResponses, responsesReplayForm, type ResponsesReplayForm } from './answer'
import { removeResponsesSkipWord, responsesKeyMaterial } from './cache-keys'
import { ResponsesRecorder } from './recorder'
import { replayJson, replaySse } from './replay'
import { validateResponses } from './validate'

// OpenAI's Responses API (`/v1/responses`, DESIGN §1.8 "Responses"): checked, capped and cached like chat.
// Its stream carries usage in `response.completed` on its own, so nothing is asked for or withheld.

function template(answer: StoredAnswer, form: ReplayForm): ReplayTemplate {
  const echo = (form as Partial<ResponsesReplayForm>).echo
  const text = form.stream ? replaySse(answer, echo) : JSON.stringify(replayJson(answer, echo))
  // No slots: a hit keeps the stored response's id and time, so `newId` is never asked for one.
  return ReplayTemplate.of(text, form.stream ? SSE_CONTENT : JSON_CONTENT, () => answer.body?.id ?? '')
}

export const responsesDialect: CachedDialect = {
  name: 'responses',
  outputCapFields: ['max_output_tokens'],
  validate: validateResponses,
  affinityKey: responsesAffinity,
  errorResponse: (error) => error.toResponse(),
  keyMaterial: responsesKeyMaterial,
  removeSkipWord: removeResponsesSkipWord,
  replayable: replayableResponses,
  askForUsage: () => false,
  usageFilter: () => undefined,
  recorder: (body) => (body.stream === true ? new ResponsesRecorder() : undefined),
  completeAnswer: completeAnswerText,
  replayForm: responsesReplayForm,
  template,
}
