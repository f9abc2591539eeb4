import { describe, expect, test } from 'bun:test'
import { responsesDialect } from '../../../../src/dialects/responses'
import { ResponsesRecorder } from '../../../../src/dialects/responses/recorder'
import { STORED, UPSTREAM, UPSTREAM_EVENTS, UPSTREAM_TEXT } from './fixtures'

const encoder = new TextEncoder()

function record(chunks: Array<Uint8Array | string>) {
  const recorder = new ResponsesRecorder()
  for (const chunk of chunks) recorder.push(chunk)
  return recorder.finish()
}

/** The upstream stream with its events from `from` on left out. */
const cutAt = (from: number) => UPSTREAM_EVENTS.slice(0, from).join('')

describe('ResponsesRecorder', () => {
  test('a whole stream (reasoning, message, function call) is recorded as its response.completed object', () => {
    expect(record([UPSTREAM])).toEqual(STORED)
  })

  test('split at every byte boundary', () => {
    for (let at = 1; at < UPSTREAM.length; at++) {
      const answer = record([UPSTREAM.subarray(0, at), UPSTREAM.subarray(at)])
      if (!answer) throw new Error(`lost the answer when split at byte ${at}`)
      expect(answer.body.id).toBe(STORED.body.id)
    }
    expect(record([UPSTREAM.subarray(0, 1001), UPSTREAM.subarray(1001)])).toEqual(STORED)
  })

  test('byte by byte, and one event per write', () => {
    expect(record(Array.from(UPSTREAM, (byte) => Uint8Array.of(byte)))).toEqual(STORED)
    expect(record(UPSTREAM_EVENTS.map((event) => encoder.encode(event)))).toEqual(STORED)
  })

  test('a cut stream gives nothing, wherever it is cut', () => {
    for (let i = 0; i < UPSTREAM_EVENTS.length; i++) expect(record([cutAt(i)])).toBeUndefined()
    // The completed event itself cut short.
    expect(record([UPSTREAM_TEXT.slice(0, -40)])).toBeUndefined()
    expect(record([UPSTREAM_TEXT.slice(0, -1)])).toBeUndefined()
  })

  test('a failed, incomplete or error ending gives nothing', () => {
    const head = cutAt(UPSTREAM_EVENTS.length - 1)
    const ending = (type: string, fields: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: 99, ...fields })}\n\n`
    const failed = { ...STORED.body, status: 'failed', error: { code: 'server_error', message: 'boom' } }
    const incomplete = { ...STORED.body, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }
    expect(record([head, ending('response.failed', { response: failed })])).toBeUndefined()
    expect(record([head, ending('response.incomplete', { response: incomplete })])).toBeUndefined()
    expect(record([head, ending('error', { code: 'server_error', message: 'boom', param: null })])).toBeUndefined()
    // An error event stops the recording even when a completion follows.
    expect(record([head, 'event: error\ndata: {"message":"boom"}\n\n', UPSTREAM_EVENTS.at(-1)!])).toBeUndefined()
    // A completion that is not complete after all.
    expect(record([head, ending('response.completed', { response: failed })])).toBeUndefined()
  })

  test('an unreadable event gives nothing; keep-alives, comments and a trailing [DONE] do not matter', () => {
    expect(record([UPSTREAM_EVENTS[0]!, 'data: {not json\n\n', ...UPSTREAM_EVENTS.slice(1)])).toBeUndefined()
    expect(record([UPSTREAM_EVENTS[0]!, 'data: [1,2]\n\n', ...UPSTREAM_EVENTS.slice(1)])).toBeUndefined()
    const noisy = [UPSTREAM_EVENTS[0]!, ': ping\n\n', 'event: keepalive\ndata: {"type":"keepalive","sequence_number":1}\n\n', ...UPSTREAM_EVENTS.slice(1), 'data: [DONE]\n\n']
    expect(record(noisy)).toEqual(STORED)
    // Nothing after the completion counts.
    expect(record([UPSTREAM, 'data: {broken\n\n'])).toEqual(STORED)
  })

  test('a completion without its output is given the items as they closed', () => {
    const head = cutAt(UPSTREAM_EVENTS.length - 1)
    for (const output of [undefined, null, []]) {
      const completed = `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: 99, response: { ...STORED.body, output } })}\n\n`
      expect(record([head, completed])).toEqual(STORED)
    }
  })

  test('push never throws, whatever it is given', () => {
    const recorder = new ResponsesRecorder()
    expect(() => recorder.push(Uint8Array.of(0xff, 0xfe, 0x00, 0x0a, 0x0a))).not.toThrow()
    expect(() => recorder.push('data: {"type":"response.output_item.done","output_index":-1}\n\n')).not.toThrow()
    expect(recorder.finish()).toBeUndefined()
  })

  test('the dialect records streamed requests only', () => {
    expect(responsesDialect.recorder({ model: 'm', input: 'hi', stream: true })).toBeInstanceOf(ResponsesRecorder)
    expect(responsesDialect.recorder({ model: 'm', input: 'hi' })).toBeUndefined()
  })
})
