import type { StoredAnswer } from './answer'
import { encodeEmbeddings } from './embeddings-encoding'
import { newAnswerId, replayJson, replaySse } from './sse/replay'

// A stored answer rendered once, in the form one kind of request asks for (JSON or a stream, with or
// without usage, floats or base64), with placeholders where every replay carries its own `id` and
// `created`. Each render only joins the pieces around a fresh id and time: no JSON is built or stringified
// per request. The placeholders are random per process, so no answer's text can contain one.

export interface ReplayForm {
  stream: boolean
  includeUsage: boolean
  /** Embeddings: the `encoding_format` asked for. */
  encoding?: unknown
}

const TOKEN = crypto.randomUUID().replaceAll('-', '')
const ID = `pgpt-id-${TOKEN}`
const CREATED = `pgpt-created-${TOKEN}`
const SLOT = new RegExp(`"(${ID}|${CREATED})"`)

export class ReplayTemplate {
  /** `pieces[i]` comes before `slots[i]`; the last piece comes after the last slot. */
  private constructor(
    readonly endpoint: StoredAnswer['endpoint'],
    private readonly pieces: string[],
    private readonly slots: Array<'id' | 'created'>,
    /** Content headers of the answer (a stream's include `cache-control: no-cache`). */
    readonly contentHeaders: Readonly<Record<string, string>>
  ) {}

  static of(answer: StoredAnswer, form: ReplayForm): ReplayTemplate {
    if (answer.endpoint === 'embeddings') {
      return new ReplayTemplate('embeddings', [JSON.stringify(encodeEmbeddings(answer.body, form.encoding))], [], JSON_CONTENT)
    }
    const stamp = { id: ID, created: CREATED }
    const text = form.stream
      ? replaySse(answer, { includeUsage: form.includeUsage }, 0, stamp)
      : JSON.stringify(replayJson(answer, 0, stamp))
    // split() with a capturing group alternates pieces and the placeholder each one was cut at.
    const parts = text.split(SLOT)
    const pieces: string[] = []
    const slots: Array<'id' | 'created'> = []
    parts.forEach((part, i) => (i % 2 === 0 ? pieces.push(part) : slots.push(part === ID ? 'id' : 'created')))
    return new ReplayTemplate(answer.endpoint, pieces, slots, form.stream ? SSE_CONTENT : JSON_CONTENT)
  }

  /** The answer's bytes with a fresh id and creation time (in seconds). */
  render(now = Date.now()): string {
    if (this.slots.length === 0) return this.pieces[0]!
    const id = `"${newAnswerId(this.endpoint as 'chat' | 'completions')}"`
    const created = String(Math.floor(now / 1000))
    let out = this.pieces[0]!
    for (let i = 0; i < this.slots.length; i++) out += (this.slots[i] === 'id' ? id : created) + this.pieces[i + 1]!
    return out
  }

  /** What the rendered text weighs in memory, roughly (two bytes a character). */
  get size(): number {
    return this.pieces.reduce((sum, piece) => sum + piece.length * 2, 0)
  }
}

// The same content type as OpenAI's own JSON answers (and a MISS passed through from it).
export const JSON_CONTENT: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' })
export const SSE_CONTENT: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
