// What the console shows of a cached entry (GET /admin/cache/entries/:id): the answer as the text a person
// read, whatever dialect stored it, else the stored JSON. Pure, so it is unit-tested without a browser; the
// page puts these strings in text nodes only (DESIGN §1.10: cache text is never HTML).

/** The stored answer as the API shows it: the endpoint, and the full non-streamed object of that dialect. */
export interface StoredAnswerView {
  endpoint: string
  body: unknown
}

/** One entry of GET /admin/cache/entries (newest first). */
export interface EntrySummaryView {
  id: number
  endpoint: string
  model: string
  group: string
  prompt: string | null
  createdAt: string
  lastHitAt: string
  hits: number
}

export interface EntryView extends EntrySummaryView {
  answer: StoredAnswerView
  /** Its refutations and confirmations (DESIGN §1.11), oldest first. */
  labels?: Array<{ verdict: 'wrong' | 'right'; similarity: number | null; source: string; at: string }>
  /** What stood behind its last semantic hit on the replica that answered. */
  last_semantic_hit?: { at: string; similarity: number; threshold: number; wrong_rate?: number; evidence?: { own: number; partition: number; cache: number } } | null
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value)
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** The text parts of a chat message's content (a string, or parts of which `text` ones carry text). */
function chatContent(content: unknown): string[] {
  if (typeof content === 'string') return [content]
  return list(content).flatMap((part) => (isObject(part) && typeof part.text === 'string' ? [part.text] : []))
}

function textsOf(answer: StoredAnswerView): string[] {
  const body = isObject(answer.body) ? answer.body : {}
  switch (answer.endpoint) {
    case 'chat':
      return list(body.choices).flatMap((choice) => {
        const message = isObject(choice) && isObject(choice.message) ? choice.message : {}
        return [...chatContent(message.content), ...(typeof message.refusal === 'string' ? [message.refusal] : [])]
      })
    case 'completions':
      return list(body.choices).flatMap((choice) => (isObject(choice) && typeof choice.text === 'string' ? [choice.text] : []))
    case 'responses':
      return list(body.output).flatMap((item) =>
        isObject(item) && item.type === 'message'
          ? list(item.content).flatMap((part) =>
              isObject(part) && part.type === 'output_text' && typeof part.text === 'string' ? [part.text] : isObject(part) && part.type === 'refusal' && typeof part.refusal === 'string' ? [part.refusal] : []
            )
          : []
      )
    case 'messages':
      return list(body.content).flatMap((block) => (isObject(block) && block.type === 'text' && typeof block.text === 'string' ? [block.text] : []))
    default:
      return []
  }
}

/**
 * The answer's text (several choices or blocks separated by a blank line), or null when it has none to read (an
 * embedding, a tool call alone): the page then shows `storedJson`.
 */
export function answerText(answer: StoredAnswerView): string | null {
  const texts = textsOf(answer).filter((text) => text.length > 0)
  return texts.length ? texts.join('\n\n') : null
}

const SHOWN_NUMBERS = 8

/** The stored object as indented JSON, long number arrays (embeddings) cut to their first few. */
export function storedJson(body: unknown): string {
  return JSON.stringify(
    body,
    (_key, value: unknown) =>
      Array.isArray(value) && value.length > SHOWN_NUMBERS && value.every((v) => typeof v === 'number')
        ? [...value.slice(0, SHOWN_NUMBERS), `… ${value.length - SHOWN_NUMBERS} more`]
        : value,
    2
  )
}

/** How long ago `iso` was, in the largest whole unit: [count, unit]. */
export function age(iso: string, now: number): [number, 's' | 'min' | 'h' | 'd'] {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000))
  if (!Number.isFinite(seconds)) return [0, 's']
  if (seconds < 60) return [seconds, 's']
  if (seconds < 3600) return [Math.floor(seconds / 60), 'min']
  if (seconds < 86_400) return [Math.floor(seconds / 3600), 'h']
  return [Math.floor(seconds / 86_400), 'd']
}
