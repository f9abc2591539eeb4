import { describe, expect, test } from 'bun:test'
import { SseParser } from '../../../../src/openai/sse/parser'
import { bytes, byteByByte, chunked } from '../../../helpers/sse-fixtures'

function parseAll(parser: SseParser, chunks: (Uint8Array | string)[]): string[] {
  return chunks.flatMap((chunk) => parser.push(chunk))
}

describe('SseParser', () => {
  const STREAM = 'data: {"a":1}\n\n: ping\n\nevent: message\nid: 7\ndata: first line\ndata:second line\n\ndata: [DONE]\n\n'
  const EXPECTED = ['{"a":1}', 'first line\nsecond line', '[DONE]']

  test('returns complete events in order, ignoring comments, event: and id: lines', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED)
  })

  test('the same events whatever the split: one byte at a time, or any chunk size', () => {
    const data = bytes(STREAM)
    expect(parseAll(new SseParser(), byteByByte(data))).toEqual(EXPECTED)
    for (let size = 2; size <= data.length; size++) expect(parseAll(new SseParser(), chunked(data, size))).toEqual(EXPECTED)
  })

  test('a UTF-8 character split across chunks comes out whole', () => {
    const text = 'data: {"t":"é 中 😀 naïve"}\n\n'
    const events = parseAll(new SseParser(), byteByByte(bytes(text)))
    expect(events).toEqual(['{"t":"é 中 😀 naïve"}'])
    expect(events.join('')).not.toContain('\uFFFD')
  })

  test('\\r\\n line endings, also with the pair split between chunks', () => {
    const text = 'data: one\r\n\r\ndata: two\r\ndata: three\r\n\r\n'
    expect(new SseParser().push(text)).toEqual(['one', 'two\nthree'])
    expect(parseAll(new SseParser(), byteByByte(bytes(text)))).toEqual(['one', 'two\nthree'])
    // A \r ending a chunk ends the line at once; the \n after it in the next chunk is not a second line end.
    const parser = new SseParser()
    expect(parser.push('data: x\r')).toEqual([])
    expect(parser.push('\ndata: y\r')).toEqual([])
    expect(parser.push('\n\r')).toEqual(['x\ny'])
    expect(parser.push('\n')).toEqual([])
    expect(parser.push('data: z\r\n\r\n')).toEqual(['z'])
  })

  test('lone \\r line endings', () => {
    expect(new SseParser().push('data: a\r\rdata: b\r\r')).toEqual(['a', 'b'])
    expect(parseAll(new SseParser(), byteByByte(bytes('data: a\r\rdata: b\r\r')))).toEqual(['a', 'b'])
  })

  test('only one space after the colon is dropped; "data" without a colon is an empty line of data', () => {
    expect(new SseParser().push('data:no space\n\ndata:  two spaces\n\ndata\ndata: x\n\ndata:\n\n')).toEqual([
      'no space',
      ' two spaces',
      '\nx',
      '',
    ])
  })

  test('an event with no data lines is not returned', () => {
    expect(new SseParser().push(': ping\n\nevent: ping\n\nid: 3\nretry: 1000\n\n')).toEqual([])
  })

  test('an unfinished event waits for its blank line', () => {
    const parser = new SseParser()
    expect(parser.push('data: {"partial":')).toEqual([])
    expect(parser.push('true}\n')).toEqual([])
    expect(parser.push('\n')).toEqual(['{"partial":true}'])
  })

  test('a byte-order mark at the start is dropped, bytes or string', () => {
    expect(new SseParser().push(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('data: x\n\n')))).toEqual(['x'])
    expect(new SseParser().push('\uFEFFdata: x\n\n')).toEqual(['x'])
  })

  test('pushEvents reports the event name', () => {
    expect(new SseParser().pushEvents('event: error\ndata: {"message":"boom"}\n\ndata: plain\n\n')).toEqual([
      { event: 'error', data: '{"message":"boom"}' },
      { data: 'plain' },
    ])
  })
})
