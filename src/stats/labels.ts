// Model names come from clients, so as metric labels they must be bounded: the first MAX_MODELS distinct
// well-formed names are kept, anything after (or malformed) counts as "other".

const MAX_MODELS = 30
const WELL_FORMED = /^[\w.:/-]{1,64}$/

export class ModelLabels {
  private readonly seen = new Set<string>()

  label(model: unknown): string {
    if (typeof model !== 'string' || !WELL_FORMED.test(model)) return 'other'
    if (this.seen.has(model)) return model
    if (this.seen.size >= MAX_MODELS) return 'other'
    this.seen.add(model)
    return model
  }
}

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`
}
