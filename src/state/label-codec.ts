import { MAX_LABELS_PER_ENTRY, type EntryLabel } from './cache-entries'

// An entry's labels as they are written down outside the process: a SQLite column, a Redis hash field, an
// export line — one form, so an export of either store imports into the other. The question vector goes as
// base64 of its float32 bytes: bit for bit (unlike an entry's own f16 vector, it decides "nearer to the
// refuted question than to the entry's own", where a rounding can flip the answer) and a third the size of
// a JSON list of numbers.

export interface LabelJson {
  verdict: EntryLabel['verdict']
  similarity: number | null
  /** base64 of the question's float32 bytes, little-endian. */
  question?: string
  source: EntryLabel['source']
  at: number
}

const VERDICTS: ReadonlySet<unknown> = new Set(['wrong', 'right'])
const SOURCES: ReadonlySet<unknown> = new Set(['refresh', 'feedback', 'owner'])

export function labelToJson(label: EntryLabel): LabelJson {
  const json: LabelJson = { verdict: label.verdict, similarity: label.similarity, source: label.source, at: label.at }
  if (label.question) json.question = Buffer.from(label.question.buffer, label.question.byteOffset, label.question.byteLength).toString('base64')
  return json
}

/** The label a LabelJson describes, or undefined when it is not one (an edited or foreign export line). */
export function labelFromJson(json: unknown): EntryLabel | undefined {
  if (typeof json !== 'object' || json === null) return undefined
  const { verdict, similarity, question, source, at } = json as Record<string, unknown>
  if (!VERDICTS.has(verdict) || !SOURCES.has(source) || typeof at !== 'number' || !Number.isFinite(at)) return undefined
  if (similarity !== null && (typeof similarity !== 'number' || !Number.isFinite(similarity))) return undefined
  const label: EntryLabel = { verdict: verdict as EntryLabel['verdict'], similarity, source: source as EntryLabel['source'], at }
  if (question === undefined || question === null) return label
  if (typeof question !== 'string') return undefined
  const bytes = Buffer.from(question, 'base64')
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) return undefined
  // Copied: a Buffer may start at an offset a Float32Array cannot.
  label.question = new Float32Array(new Uint8Array(bytes).buffer)
  return label
}

/** The newest MAX_LABELS_PER_ENTRY, oldest first. */
export const newestLabels = <T>(labels: readonly T[]): T[] => labels.slice(-MAX_LABELS_PER_ENTRY)

/** The stored text of an entry's labels; null when it has none (a column or field left empty costs nothing). */
export function encodeLabels(labels: readonly EntryLabel[] | undefined): string | null {
  return labels?.length ? JSON.stringify(newestLabels(labels).map(labelToJson)) : null
}

/** The labels of a stored text, oldest first; none for an empty one. */
export function decodeLabels(text: string | null | undefined): EntryLabel[] {
  if (!text) return []
  const list: unknown = JSON.parse(text)
  return !Array.isArray(list) ? [] : list.flatMap((json) => labelFromJson(json) ?? [])
}
