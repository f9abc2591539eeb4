import type { UsageDelta, UsageRow, UsageStore } from '../types'

/** Usage rows in memory: the store of tests and of the Redis fallback. */
export class MemoryUsage implements UsageStore {
  private readonly rowsById = new Map<string, UsageRow>()

  async add(delta: UsageDelta): Promise<void> {
    const id = `${delta.key}\u0000${delta.day}\u0000${delta.model}`
    const row = this.rowsById.get(id)
    if (!row) {
      this.rowsById.set(id, { ...delta, cachedTokens: delta.cachedTokens ?? 0, cacheWriteTokens: delta.cacheWriteTokens ?? 0, reasoningTokens: delta.reasoningTokens ?? 0 })
      return
    }
    row.requests += delta.requests
    row.hits += delta.hits
    row.promptTokens += delta.promptTokens
    row.completionTokens += delta.completionTokens
    row.cachedTokens += delta.cachedTokens ?? 0
    row.cacheWriteTokens += delta.cacheWriteTokens ?? 0
    row.reasoningTokens += delta.reasoningTokens ?? 0
    row.costUsd += delta.costUsd
    row.savedUsd += delta.savedUsd
  }

  async rows(key: string | undefined, fromDay: string, toDay: string): Promise<UsageRow[]> {
    return [...this.rowsById.values()]
      .filter((row) => (key === undefined || row.key === key) && row.day >= fromDay && row.day < toDay)
      .map((row) => ({ ...row }))
      .sort((a, b) => a.key.localeCompare(b.key) || a.day.localeCompare(b.day) || a.model.localeCompare(b.model))
  }

  async reset(key: string): Promise<void> {
    for (const [id, row] of this.rowsById) if (row.key === key) this.rowsById.delete(id)
  }
}
