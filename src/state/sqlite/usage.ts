import type { Database } from 'bun:sqlite'
import type { UsageDelta, UsageRow, UsageStore } from '../types'

/** Per key, UTC day and model: requests, hits, tokens (cached, cache-written, reasoning), cost and savings, in keys.sqlite (see accounts.ts). */
export class SqliteUsage implements UsageStore {
  private readonly statements

  constructor(private readonly db: Database) {
    this.statements = {
      add: db.query(
        `INSERT INTO usage (key, day, model, requests, hits, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, saved_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, day, model) DO UPDATE SET
           requests = requests + excluded.requests, hits = hits + excluded.hits,
           prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
           cached_tokens = cached_tokens + excluded.cached_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
           reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
           cost_usd = cost_usd + excluded.cost_usd, saved_usd = saved_usd + excluded.saved_usd`
      ),
      reset: db.query('DELETE FROM usage WHERE key = ?'),
    }
  }

  async add(d: UsageDelta): Promise<void> {
    const parts = [d.cachedTokens ?? 0, d.cacheWriteTokens ?? 0, d.reasoningTokens ?? 0]
    this.statements.add.run(d.key, d.day, d.model, d.requests, d.hits, d.promptTokens, d.completionTokens, ...parts, d.costUsd, d.savedUsd)
  }

  async rows(key: string | undefined, fromDay: string, toDay: string): Promise<UsageRow[]> {
    const rows = this.db
      .query<any, any[]>(
        `SELECT * FROM usage WHERE day >= ? AND day < ? ${key === undefined ? '' : 'AND key = ?'} ORDER BY key, day, model`
      )
      .all(...[fromDay, toDay, ...(key === undefined ? [] : [key])])
    return rows.map((r) => ({
      key: r.key,
      day: r.day,
      model: r.model,
      requests: r.requests,
      hits: r.hits,
      promptTokens: r.prompt_tokens,
      completionTokens: r.completion_tokens,
      cachedTokens: r.cached_tokens,
      cacheWriteTokens: r.cache_write_tokens,
      reasoningTokens: r.reasoning_tokens,
      costUsd: r.cost_usd,
      savedUsd: r.saved_usd,
    }))
  }

  async reset(key: string): Promise<void> {
    this.statements.reset.run(key)
  }
}
