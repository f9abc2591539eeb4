import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { AnswerCache } from '../cache/answer-cache'
import type { Config } from '../config'
import { VERSION } from '../version'
import { Stats } from './stats'

/** Opens the statistics store in DATA_DIR (stats.sqlite), beside the cache but independent of it. */
export function openStats(config: Config, cache?: AnswerCache, log?: (line: string) => void): Stats {
  try {
    mkdirSync(config.dataDir, { recursive: true })
  } catch (error) {
    throw new Error(`DATA_DIR "${config.dataDir}" cannot be created (${(error as NodeJS.ErrnoException).code}); set DATA_DIR to a writable folder`)
  }
  return new Stats({
    path: join(config.dataDir, 'stats.sqlite'),
    version: VERSION,
    prices: config.modelPrices,
    cacheEnabled: !!cache,
    cacheEntries: cache ? () => cache.store.count : undefined,
    log,
  })
}
