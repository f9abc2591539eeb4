// A stored answer rendered once, in the form one kind of request asks for (JSON or a stream, with or
// without usage, floats or base64), with placeholders where every replay carries its own `id` and
// `created`. Each render only joins the pieces around a fresh id and time: no JSON is built or stringified
// per request. The placeholders are random per process, so no answer's text can contain one. What the
// answer looks like in its form is the dialect's (its `template`); the pieces and slots are this file's.

const TOKEN = crypto.randomUUID().replaceAll('-', '')
const ID = `pgpt-id-${TOKEN}`
const CREATED = `pgpt-created-${TOKEN}`
const SLOT = new RegExp(`"(${ID}|${CREATED})"`)

/** Where a dialect's rendering puts the id and creation time of each replay. */
export const STAMP_SLOTS = { id: ID, created: CREATED } as const

export class ReplayTemplate {
  /** `pieces[i]` comes before `slots[i]`; the last piece comes after the last slot. */
  private constructor(
    private readonly newId: () => string,
    private readonly pieces: string[],
    private readonly slots: Array<'id' | 'created'>,
    /** Content headers of the answer (a stream's include `cache-control: no-cache`). */
    readonly contentHeaders: Readonly<Record<string, string>>
  ) {}

  /**
   * A template of `text`, a rendering made with STAMP_SLOTS for its id and time (quoted, as JSON strings);
   * `newId` makes each replay's id. Text without slots is sent as it is.
   */
  static of(text: string, contentHeaders: Readonly<Record<string, string>>, newId: () => string): ReplayTemplate {
    // split() with a capturing group alternates pieces and the placeholder each one was cut at.
    const parts = text.split(SLOT)
    const pieces: string[] = []
    const slots: Array<'id' | 'created'> = []
    parts.forEach((part, i) => (i % 2 === 0 ? pieces.push(part) : slots.push(part === ID ? 'id' : 'created')))
    return new ReplayTemplate(newId, pieces, slots, contentHeaders)
  }

  /** The answer's bytes with a fresh id and creation time (in seconds). */
  render(now = Date.now()): string {
    if (this.slots.length === 0) return this.pieces[0]!
    const id = `"${this.newId()}"`
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
