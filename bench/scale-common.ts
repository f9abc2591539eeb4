import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config/load'
import type { IndexFingerprint } from '../src/cache/semantic/vector-index'
import { GENERATOR_VERSION } from './synthetic'

/** The embedding model proxy-gpt uses by default: stored rows and the index fingerprint must name it. */
export const DEFAULT_EMBEDDING_MODEL = loadConfig({ OPENAI_KEY: 'sk-bench', PROXY_KEY: 'bench' }).embedding.model

export interface TierInfo {
  version: number
  count: number
  /** Wall time spent building up to this tier (cumulative over the shared stream). */
  buildSeconds: number
  /** Average usearch insertion time per vector, multi-threaded batch add. */
  addUsPerVector: number
  fingerprint: IndexFingerprint
}

/**
 * The tiers of a run without --tiers, quick or full. The 1M tier only on request (--tiers=10000,100000,1000000):
 * its one-time build alone takes longer than the 10 minutes a default run may take on a fresh clone.
 */
export const DEFAULT_TIERS = [10_000, 100_000]
export const ONE_MILLION = 1_000_000

export const tierDir = (root: string, tier: number) => join(root, `tier-${tier}`)

export const tierName = (tier: number) => (tier >= 1_000_000 ? `${tier / 1_000_000}M` : tier >= 1000 ? `${tier / 1000}k` : String(tier))

/** A finished tier of the current generator version, or undefined (missing, partial or outdated). */
export function readTier(root: string, tier: number): TierInfo | undefined {
  const file = join(tierDir(root, tier), 'done.json')
  if (!existsSync(file)) return undefined
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as TierInfo
    return info.version === GENERATOR_VERSION && info.count === tier ? info : undefined
  } catch {
    return undefined
  }
}
