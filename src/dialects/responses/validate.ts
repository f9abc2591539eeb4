import {
  invalid,
  isObject,
  missing,
  optional,
  optionalString,
  optionalTokenCount,
  requiredString,
  type JsonObject,
} from '../../openai/validate'

// What a Responses request must hold for the proxy to route, cap, count and cache it. The rest (tools'
// inner shapes, text.format, reasoning, …) is the upstream's to judge: it is forwarded untouched.

export function validateResponses(body: JsonObject) {
  // A stored prompt template names its own model, and OpenAI takes a continuation's from the response it
  // continues: only then may the model be left out.
  if (body.model != null || (body.prompt == null && body.previous_response_id == null)) requiredString(body, 'model')
  optionalString(body, 'previous_response_id')
  optional(body, 'stream', 'a boolean', (v) => typeof v === 'boolean')
  optional(body, 'background', 'a boolean', (v) => typeof v === 'boolean')
  optionalString(body, 'instructions')
  optionalTokenCount(body, 'max_output_tokens')
  optional(body, 'tools', 'an array of tool objects', (v) => Array.isArray(v) && v.every(isObject))
  validateInput(body.input)
}

function validateInput(input: unknown) {
  if (input === undefined || input === null || typeof input === 'string') return
  if (!Array.isArray(input)) throw invalid('input', 'a string or an array of input items')
  input.forEach((item, i) => {
    const param = `input[${i}]`
    if (!isObject(item)) throw invalid(param, 'an input item object')
    // A message (`{ role, content }`, `type: 'message'` optional) or an item of another type.
    if (item.type === undefined && item.role === undefined) throw missing(`${param}.type`)
    if (item.role !== undefined && typeof item.role !== 'string') throw invalid(`${param}.role`, 'a string such as "user"')
    const content = item.content
    if (item.role !== undefined && content !== undefined && typeof content !== 'string' && !Array.isArray(content))
      throw invalid(`${param}.content`, 'a string or an array of content parts')
  })
}
