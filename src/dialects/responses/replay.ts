import type { StoredAnswer } from '../../openai/answer'
import type { JsonObject } from '../../openai/validate'
import { textPieces } from '../chat/replay'
import { newItemId, ResponsesEventWriter } from '../translate/responses-events'
import { withEcho } from './answer'

// Gives a stored response back in the form the client asked for. A hit keeps the stored response's `id` and
// `created_at` (DESIGN §1.8: the id is the one the upstream knows, so a client can chain on it), so neither
// form has a slot for a fresh one. JSON: the stored object. SSE: the events OpenAI would have sent for it,
// item by item — a message's text and refusal parts, a function call's arguments, a reasoning item's summary
// parts, each in several small deltas; any other item whole — then `response.completed` with the stored
// object. Text is only ever split where the pieces concatenate back to it, so recording a replay gives the
// same answer again.

type Json = Record<string, any>

export function replayJson(answer: StoredAnswer, echo?: JsonObject): Json {
  return withEcho(answer.body, echo)
}

export function replaySse(answer: StoredAnswer, echo?: JsonObject): string {
  const response = withItemIds(withEcho(answer.body, echo))
  const writer = new ResponsesEventWriter()
  const { output: _output, usage: _usage, status: _status, ...shell } = response
  let out = writer.created({ ...shell, error: null, incomplete_details: null, ...('completed_at' in shell ? { completed_at: null } : {}) })
  const output: Json[] = Array.isArray(response.output) ? response.output : []
  for (const item of output) out += replayItem(writer, item)
  return out + writer.finish(response)
}

function replayItem(writer: ResponsesEventWriter, item: Json): string {
  switch (item.type) {
    case 'message':
      return replayMessage(writer, item)
    case 'function_call': {
      const fields: Json = { id: item.id }
      if (item.namespace !== undefined) fields.namespace = item.namespace
      let out = writer.openFunctionCall(item.call_id, item.name, fields)
      for (const piece of textPieces(typeof item.arguments === 'string' ? item.arguments : '')) out += writer.argumentsDelta(piece)
      return out + writer.closeFunctionCall(item)
    }
    case 'reasoning': {
      let out = writer.openReasoning({ id: item.id })
      for (const part of Array.isArray(item.summary) ? item.summary : []) {
        const text = typeof part?.text === 'string' ? part.text : ''
        out += writer.summaryDelta('')
        for (const piece of textPieces(text)) out += writer.summaryDelta(piece)
        out += writer.closeSummaryPart()
      }
      return out + writer.closeReasoning(item)
    }
    default:
      return writer.item(item)
  }
}

function replayMessage(writer: ResponsesEventWriter, item: Json): string {
  const fields: Json = { id: item.id, role: item.role ?? 'assistant' }
  if (item.phase !== undefined) fields.phase = item.phase
  let out = writer.openMessage(fields)
  for (const part of Array.isArray(item.content) ? item.content : []) {
    if (part?.type === 'output_text') {
      out += writer.textDelta('')
      for (const piece of textPieces(typeof part.text === 'string' ? part.text : '')) out += writer.textDelta(piece)
      for (const annotation of Array.isArray(part.annotations) ? part.annotations : []) out += writer.annotation(annotation)
    } else if (part?.type === 'refusal') {
      out += writer.refusalDelta('')
      for (const piece of textPieces(typeof part.refusal === 'string' ? part.refusal : '')) out += writer.refusalDelta(piece)
    } else {
      continue // a part the stream has no events for: the item's `output_item.done` carries it
    }
    out += writer.closePart()
  }
  return out + writer.closeMessage(item)
}

/**
 * Stream clients tell items apart by their ids and refuse a stream without them; an item stored without one
 * (some compatible servers leave them out) gets one made up for the replay.
 */
function withItemIds(response: Json): Json {
  const output: Json[] = Array.isArray(response.output) ? response.output : []
  if (output.every((item) => typeof item?.id === 'string' && item.id !== '')) return response
  const prefix = (type: unknown) => (type === 'reasoning' ? 'rs' : type === 'function_call' ? 'fc' : 'msg')
  return { ...response, output: output.map((item) => (typeof item?.id === 'string' && item.id !== '' ? item : { ...item, id: newItemId(prefix(item?.type)) })) }
}
