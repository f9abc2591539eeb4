// The Responses API's stream, written one event at a time (DESIGN §1.8 "Responses"): whoever produces a
// Responses stream — a cache hit replayed, a chat stream translated — says what happens (an item opens, text
// arrives, the item closes) and gets back the SSE text of the events OpenAI would have sent for it, each
// `event: <type>\ndata: <json>\n\n` with a `sequence_number` counting from 0. The order is the one the OpenAI
// SDK's stream helper insists on: `response.created`, `response.in_progress`, then item by item
// `output_item.added` … `output_item.done` (the content events of a message part, a function call's
// arguments, a reasoning item's summary parts in between), then one terminal event carrying the whole
// response. One item is open at a time, as upstream streams them: opening the next closes the last, and the
// terminal event closes whatever is still open, so a caller never has to track it.

type Json = Record<string, any>

type Part = { type: 'output_text'; text: string; annotations: unknown[] } | { type: 'refusal'; refusal: string }

type Open =
  | { kind: 'message'; index: number; item: Json; content: Part[]; part?: Part }
  | { kind: 'function_call'; index: number; item: Json; args: string }
  | { kind: 'reasoning'; index: number; item: Json; summary: Array<{ type: 'summary_text'; text: string }>; summaryOpen: boolean }

/** The statuses a stream can end with, each its terminal event (`response.completed`, …). */
export type ResponseStatus = 'completed' | 'incomplete' | 'failed'

export class ResponsesEventWriter {
  private sequence = 0
  private shell: Json | undefined
  private open: Open | undefined
  private finished = false
  /** The items closed so far, as `output_item.done` gave them. */
  readonly output: Json[] = []

  /**
   * `response.created` and `response.in_progress`. `shell` is the response object as it stands before any
   * output (`id`, `object: 'response'`, `created_at`, `model`, the request's echoed fields); its `status`,
   * `output` and `usage` are the writer's: in progress, empty and null here, set again by the terminal event.
   */
  created(shell: Json): string {
    const { output: _o, usage: _u, status: _s, output_text: _t, ...rest } = shell
    this.shell = rest
    const response = { ...rest, status: 'in_progress', output: [], usage: null }
    return this.event('response.created', { response }) + this.event('response.in_progress', { response })
  }

  /** Opens an assistant message; `fields` go into its item (`id` to keep one, else a new `msg_` id). */
  openMessage(fields: Json = {}): string {
    const out = this.closeItem()
    const { id, ...rest } = fields
    const item = { id: id ?? newItemId('msg'), type: 'message', status: 'in_progress', content: [], role: 'assistant', ...rest }
    this.open = { kind: 'message', index: this.output.length, item, content: [] }
    return out + this.event('response.output_item.added', { output_index: this.open.index, item: { ...item, content: [] } })
  }

  /** Text of the message (opened if none is), in the current `output_text` part (opened if none is). */
  textDelta(text: string): string {
    const { out, message, part } = this.partOf('output_text')
    if (part.type !== 'output_text' || text === '') return out
    part.text += text
    return out + this.event('response.output_text.delta', { ...this.partRef(message), delta: text, logprobs: [] })
  }

  /** A refusal of the message, in the current `refusal` part (opened if none is). */
  refusalDelta(text: string): string {
    const { out, message, part } = this.partOf('refusal')
    if (part.type !== 'refusal' || text === '') return out
    part.refusal += text
    return out + this.event('response.refusal.delta', { ...this.partRef(message), delta: text })
  }

  /** An annotation (a citation) of the current text part. */
  annotation(annotation: unknown): string {
    const { out, message, part } = this.partOf('output_text')
    if (part.type !== 'output_text') return out
    part.annotations.push(annotation)
    const annotation_index = part.annotations.length - 1
    return out + this.event('response.output_text.annotation.added', { ...this.partRef(message), annotation_index, annotation })
  }

  /** Ends the current content part of the message, so that the next delta starts a new one. */
  closePart(): string {
    const open = this.open
    if (open?.kind !== 'message' || !open.part) return ''
    const part = open.part
    open.part = undefined
    const ref = this.partRef(open, open.content.length - 1)
    const done =
      part.type === 'output_text'
        ? this.event('response.output_text.done', { ...ref, text: part.text, logprobs: [] })
        : this.event('response.refusal.done', { ...ref, refusal: part.refusal })
    return done + this.event('response.content_part.done', { ...ref, part: partJson(part) })
  }

  /** Closes the message; `final` is the item `output_item.done` carries instead of the one built here. */
  closeMessage(final?: Json): string {
    const open = this.open
    if (open?.kind !== 'message') return ''
    // A message always has its text part, even an empty one, as OpenAI's do.
    const out = (open.content.length === 0 ? this.textDelta('') : '') + this.closePart()
    return out + this.closeWith({ ...open.item, status: 'completed', content: open.content.map(partJson) }, final)
  }

  /** Opens a function call; `fields` go into its item (`id` to keep one, else a new `fc_` id; `namespace`, …). */
  openFunctionCall(callId: string, name: string, fields: Json = {}): string {
    const out = this.closeItem()
    const { id, ...rest } = fields
    const item = { id: id ?? newItemId('fc'), type: 'function_call', status: 'in_progress', call_id: callId, name, ...rest, arguments: '' }
    this.open = { kind: 'function_call', index: this.output.length, item, args: '' }
    return out + this.event('response.output_item.added', { output_index: this.open.index, item })
  }

  /** More of the open function call's arguments. */
  argumentsDelta(delta: string): string {
    const open = this.open
    if (open?.kind !== 'function_call') throw new Error('argumentsDelta: no function call is open')
    if (delta === '') return ''
    open.args += delta
    return this.event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.index, delta })
  }

  /** Closes the function call; `final` is the item `output_item.done` carries instead of the one built here. */
  closeFunctionCall(final?: Json): string {
    const open = this.open
    if (open?.kind !== 'function_call') return ''
    const done = this.event('response.function_call_arguments.done', { item_id: open.item.id, output_index: open.index, arguments: open.args })
    return done + this.closeWith({ ...open.item, status: 'completed', arguments: open.args }, final)
  }

  /** Opens a reasoning item; `fields` go into its item (`id` to keep one, else a new `rs_` id). */
  openReasoning(fields: Json = {}): string {
    const out = this.closeItem()
    const { id, ...rest } = fields
    const item = { id: id ?? newItemId('rs'), type: 'reasoning', summary: [], ...rest }
    this.open = { kind: 'reasoning', index: this.output.length, item, summary: [], summaryOpen: false }
    return out + this.event('response.output_item.added', { output_index: this.open.index, item: { ...item, summary: [] } })
  }

  /** Summary text of the reasoning item (opened if none is), in the current summary part (opened if none is). */
  summaryDelta(text: string): string {
    let out = this.open?.kind === 'reasoning' ? '' : this.openReasoning()
    const open = this.open as Extract<Open, { kind: 'reasoning' }>
    if (!open.summaryOpen) {
      open.summary.push({ type: 'summary_text', text: '' })
      open.summaryOpen = true
      out += this.event('response.reasoning_summary_part.added', { ...this.summaryRef(open), part: { type: 'summary_text', text: '' } })
    }
    if (text === '') return out
    open.summary[open.summary.length - 1]!.text += text
    return out + this.event('response.reasoning_summary_text.delta', { ...this.summaryRef(open), delta: text })
  }

  /** Ends the current summary part, so that the next delta starts a new one. */
  closeSummaryPart(): string {
    const open = this.open
    if (open?.kind !== 'reasoning' || !open.summaryOpen) return ''
    open.summaryOpen = false
    const part = open.summary[open.summary.length - 1]!
    const ref = this.summaryRef(open)
    return this.event('response.reasoning_summary_text.done', { ...ref, text: part.text }) + this.event('response.reasoning_summary_part.done', { ...ref, part: { ...part } })
  }

  /** Closes the reasoning item; `final` is the item `output_item.done` carries instead of the one built here. */
  closeReasoning(final?: Json): string {
    const open = this.open
    if (open?.kind !== 'reasoning') return ''
    return this.closeSummaryPart() + this.closeWith({ ...open.item, summary: open.summary.map((part) => ({ ...part })) }, final)
  }

  /** An item streamed whole (a hosted tool's call, …): `output_item.added`, then `output_item.done` with it. */
  item(item: Json): string {
    const out = this.closeItem()
    const index = this.output.length
    const added = 'status' in item ? { ...item, status: 'in_progress' } : item
    this.output.push(item)
    return out + this.event('response.output_item.added', { output_index: index, item: added }) + this.event('response.output_item.done', { output_index: index, item })
  }

  /** Closes whichever item is open (none: nothing). */
  closeItem(): string {
    switch (this.open?.kind) {
      case 'message':
        return this.closeMessage()
      case 'function_call':
        return this.closeFunctionCall()
      case 'reasoning':
        return this.closeReasoning()
      default:
        return ''
    }
  }

  /** `response.completed`: the response with every item and `usage` (the upstream's, in Responses' shape). */
  completed(usage?: Json | null): string {
    return this.terminal('completed', { usage: usage ?? null })
  }

  /** `response.incomplete`, e.g. `reason: 'max_output_tokens'` or `'content_filter'`. */
  incomplete(reason: string, usage?: Json | null): string {
    return this.terminal('incomplete', { incomplete_details: { reason }, usage: usage ?? null })
  }

  /** `response.failed` with OpenAI's error object (`{ code, message }`). */
  failed(error: { code: string; message: string }): string {
    return this.terminal('failed', { error, usage: null })
  }

  /** The terminal event of `response.status` (completed, incomplete or failed) carrying `response` as it is. */
  finish(response: Json): string {
    const status: ResponseStatus = response.status === 'incomplete' || response.status === 'failed' ? response.status : 'completed'
    const out = this.closeItem() + this.event(`response.${status}`, { response })
    this.finished = true
    return out
  }

  private terminal(status: ResponseStatus, fields: Json): string {
    const out = this.closeItem()
    const shell = this.started()
    const response: Json = { ...shell, status, output: this.output, ...fields }
    if ('completed_at' in shell) response.completed_at = status === 'completed' ? Math.floor(Date.now() / 1000) : null
    const end = this.event(`response.${status}`, { response })
    this.finished = true
    return out + end
  }

  private closeWith(built: Json, final: Json | undefined): string {
    const open = this.open!
    this.open = undefined
    const item = final ?? built
    this.output.push(item)
    return this.event('response.output_item.done', { output_index: open.index, item })
  }

  /** The open message's current part of `type`, opening the message and the part as needed. */
  private partOf(type: Part['type']): { out: string; message: Extract<Open, { kind: 'message' }>; part: Part } {
    let out = this.open?.kind === 'message' ? '' : this.openMessage()
    const message = this.open as Extract<Open, { kind: 'message' }>
    if (message.part?.type !== type) {
      out += this.closePart()
      const part: Part = type === 'output_text' ? { type, text: '', annotations: [] } : { type, refusal: '' }
      message.content.push(part)
      message.part = part
      out += this.event('response.content_part.added', { ...this.partRef(message), part: partJson(part) })
    }
    return { out, message, part: message.part! }
  }

  private partRef(message: Extract<Open, { kind: 'message' }>, contentIndex = message.content.length - 1) {
    return { item_id: message.item.id, output_index: message.index, content_index: contentIndex }
  }

  private summaryRef(open: Extract<Open, { kind: 'reasoning' }>) {
    return { item_id: open.item.id, output_index: open.index, summary_index: open.summary.length - 1 }
  }

  private started(): Json {
    if (!this.shell) throw new Error('ResponsesEventWriter: created() must come first')
    return this.shell
  }

  private event(type: string, fields: Json): string {
    this.started()
    if (this.finished) throw new Error(`ResponsesEventWriter: ${type} after the response ended`)
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...fields })}\n\n`
  }
}

/** A part as events and items carry it (a copy: the writer keeps appending to its own). */
function partJson(part: Part): Json {
  return part.type === 'output_text' ? { type: 'output_text', annotations: [...part.annotations], logprobs: [], text: part.text } : { ...part }
}

/** An item id in OpenAI's style: the kind's prefix and 48 hex digits. */
export function newItemId(prefix: 'msg' | 'fc' | 'rs' | 'resp'): string {
  return `${prefix}_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex')}`
}
