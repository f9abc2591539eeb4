// Reads server-sent events off a fetch Response one at a time, so a test can act between events.

export class SseReader {
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> }
  private readonly decoder = new TextDecoder()
  private buffer = ''

  constructor(response: Response) {
    this.reader = response.body!.getReader()
  }

  /** The next event's `data:` payload, or undefined when the stream ended cleanly. Rejects if it broke. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n')
      if (end !== -1) {
        const event = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 2)
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n')
        if (data) return data
        continue
      }
      const { done, value } = await this.reader.read()
      if (done) return undefined
      this.buffer += this.decoder.decode(value!, { stream: true })
    }
  }

  /** Every remaining event's data. */
  async rest(): Promise<string[]> {
    const events: string[] = []
    for (let data = await this.next(); data !== undefined; data = await this.next()) events.push(data)
    return events
  }

  cancel() {
    return this.reader.cancel()
  }
}

/** Polls until `condition` holds; for effects that happen on another socket (an upstream seeing a cancel). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`)
    await Bun.sleep(10)
  }
}

/** The text an SDK chat stream gave before it ended, and what it threw when it ended badly (else undefined). */
export async function readChatStream(stream: AsyncIterable<{ choices: Array<{ delta?: { content?: string | null } }> }>): Promise<{ text: string; failure: any }> {
  let text = ''
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
  } catch (failure) {
    return { text, failure }
  }
  return { text, failure: undefined }
}
