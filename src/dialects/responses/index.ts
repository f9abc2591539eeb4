import { optional, optionalString, optionalTokenCount, type JsonObject } from '../../openai/validate'
import type { RequestDialect } from '../types'

// OpenAI's Responses API (`/v1/responses`), as far as the proxy knows it today: checked and capped, then
// forwarded; not yet cached or translated (DESIGN §1.8 "Responses" is the next step).

export const responsesDialect: RequestDialect = {
  name: 'responses',
  outputCapFields: ['max_output_tokens'],
  validate(body: JsonObject) {
    // A request may name no model when it continues a stored response or prompt.
    optionalString(body, 'model')
    optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
    optionalTokenCount(body, 'max_output_tokens')
  },
  errorResponse: (error) => error.toResponse(),
}
