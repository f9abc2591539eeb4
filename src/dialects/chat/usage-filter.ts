// When the proxy asks the upstream for a usage chunk the client did not ask for (so a stored answer knows
// its token counts), that chunk must not reach the client: some clients index `choices[0]` of every
// chunk, and the usage chunk has none. Complete events are forwarded as soon as they are complete.

const encoder = new TextEncoder()
const EVENT_END = /\r?\n\r?\n/

export class UsageChunkFilter {
  private readonly decoder = new TextDecoder()
  private pending = ''

  /** The bytes to forward for this chunk: every complete event but a usage-only one. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.pending += this.decoder.decode(chunk, { stream: true })
    let out = ''
    for (let match = EVENT_END.exec(this.pending); match; match = EVENT_END.exec(this.pending)) {
      const end = match.index + match[0].length
      const event = this.pending.slice(0, end)
      this.pending = this.pending.slice(end)
      if (!isUsageOnly(event)) out += event
    }
    return out ? encoder.encode(out) : undefined
  }

  /** Whatever is left when the stream ends (an unterminated last event is passed on as it is). */
  flush(): Uint8Array | undefined {
    const rest = this.pending + this.decoder.decode()
    this.pending = ''
    return rest ? encoder.encode(rest) : undefined
  }
}

function isUsageOnly(event: string): boolean {
  if (!event.includes('"usage"')) return false
  const data = event
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n')
  try {
    const chunk = JSON.parse(data)
    return Array.isArray(chunk?.choices) && chunk.choices.length === 0 && chunk.usage != null
  } catch {
    return false
  }
}
