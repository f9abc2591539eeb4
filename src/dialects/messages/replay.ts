import type { StoredAnswer } from '../../openai/answer'
import { textPieces } from '../chat/replay'
import { STAMP_SLOTS } from '../replay-template'
import { MessagesEventWriter } from '../translate/messages-events'

// Gives a stored message back in the form the client asked for, with the id slot of a replay template
// (each hit gets a fresh `msg_` id: Anthropic's message ids are never sent back to it, so a new one breaks
// nothing and tells a hit apart). JSON: the stored message. SSE: the events Anthropic would have sent for it,
// through the event writer — `message_start` with the input usage, each block opened, grown in a few deltas
// (text, a tool call's input JSON, thinking and then its signature) and stopped, blocks without deltas
// (redacted thinking, server tool results) whole, then `message_delta` with the stop reason and the full
// usage, and `message_stop`. Text is only ever cut where the pieces concatenate back to it, so recording a
// replay gives the same message again.

type Json = Record<string, any>

/** Counts a `message_delta` carries (cumulative: the SDK overwrites its own with them). */
const DELTA_USAGE = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'server_tool_use', 'output_tokens_details']

export function replayJson(answer: StoredAnswer, id: string = STAMP_SLOTS.id): Json {
  return { ...answer.body, id }
}

export function replaySse(answer: StoredAnswer, id: string = STAMP_SLOTS.id): string {
  const message: Json = answer.body ?? {}
  const usage: Json = isObject(message.usage) ? message.usage : { input_tokens: 0, output_tokens: 0 }
  const writer = new MessagesEventWriter()
  const { content, stop_reason, stop_sequence, stop_details, container, ...shell } = message
  // Nothing is generated yet when a stream starts: its output count comes with `message_delta`.
  let out = writer.messageStart({
    ...shell,
    ...('stop_details' in message ? { stop_details: null } : {}),
    ...('container' in message ? { container: null } : {}),
    id,
    usage: { ...usage, output_tokens: 0 },
  })
  for (const block of Array.isArray(content) ? content : []) out += replayBlock(writer, block)
  const deltaUsage: Json = { output_tokens: usage.output_tokens ?? 0 }
  for (const field of DELTA_USAGE) if (usage[field] != null) deltaUsage[field] = usage[field]
  const fields: Json = {}
  if ('stop_details' in message) fields.stop_details = stop_details
  if (container != null) fields.container = container
  out += writer.messageDelta(stop_reason ?? 'end_turn', stop_sequence ?? null, deltaUsage, fields)
  return out + writer.messageStop()
}

function replayBlock(writer: MessagesEventWriter, block: Json): string {
  if (!isObject(block)) return ''
  switch (block.type) {
    case 'text': {
      const { text, citations, ...fields } = block
      // Citations come as deltas, which the client appends to the list it starts with (none).
      const cited = Array.isArray(citations) && citations.length > 0
      let out = writer.openText(cited ? fields : { ...fields, ...('citations' in block ? { citations } : {}) })
      for (const piece of textPieces(typeof text === 'string' ? text : '')) out += writer.textDelta(piece)
      if (cited) for (const citation of citations) out += writer.citationDelta(citation)
      return out + writer.closeBlock()
    }
    case 'tool_use':
    case 'server_tool_use': {
      const { id, name, input, ...fields } = block
      let out = writer.openToolUse(id, name, fields)
      for (const piece of textPieces(JSON.stringify(input ?? {}))) out += writer.inputJsonDelta(piece)
      return out + writer.closeBlock()
    }
    case 'thinking': {
      const { thinking, signature, ...fields } = block
      let out = writer.openThinking(fields)
      for (const piece of textPieces(typeof thinking === 'string' ? thinking : '')) out += writer.thinkingDelta(piece)
      if (typeof signature === 'string' && signature !== '') out += writer.signatureDelta(signature)
      return out + writer.closeBlock()
    }
    default:
      return writer.block(block)
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
