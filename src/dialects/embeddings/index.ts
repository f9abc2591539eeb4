import type { StoredAnswer } from '../../openai/answer'
import { invalid, isTextOrTokens, missing, optional, requiredString, type JsonObject } from '../../openai/validate'
import { answerObject } from '../answer-object'
import { deciding, hash } from '../key-material'
import { JSON_CONTENT, ReplayTemplate } from '../replay-template'
import type { CachedDialect } from '../types'
import { embeddingsAsFloats, encodeEmbeddings } from './encoding'

// OpenAI's Embeddings (`/v1/embeddings`): no stream, no output cap, exact hits only (an input near another
// in meaning does not have the same vector). Kept as floats, given back in the encoding asked for.

export const embeddingsDialect: CachedDialect = {
  name: 'embeddings',
  outputCapFields: [],
  validate(body: JsonObject) {
    requiredString(body, 'model')
    optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
    if (body.input === undefined) throw missing('input')
    if (!isTextOrTokens(body.input) || (Array.isArray(body.input) && body.input.length === 0))
      throw invalid('input', 'a string, a non-empty array of strings, an array of token ids or an array of token-id arrays')
  },
  errorResponse: (error) => error.toResponse(),
  keyMaterial: (body, _context, q) => ({
    exact: hash(q ? { endpoint: 'embeddings', params: deciding(body, ''), query: q } : { endpoint: 'embeddings', ...deciding(body, '') }),
    partition: '',
  }),
  removeSkipWord: () => false,
  replayable: () => true,
  askForUsage: () => false,
  usageFilter: () => undefined,
  recorder: () => undefined,
  completeAnswer(text): StoredAnswer | undefined {
    const body = answerObject(text)
    return Array.isArray(body?.data) && body.data.length > 0 ? { endpoint: 'embeddings', body: embeddingsAsFloats(body) } : undefined
  },
  replayForm: (body) => ({ stream: false, includeUsage: false, encoding: body.encoding_format }),
  // No slots: an embeddings answer carries no id or time of its own.
  template: (answer, form) => ReplayTemplate.of(JSON.stringify(encodeEmbeddings(answer.body, form.encoding)), JSON_CONTENT, () => ''),
}
