// The cache's settings (CACHE_*), a group of the settings table (settings.ts).

import { bool, fraction, int, oneOf, probability, verbatim } from './parse'
import { setting } from './setting'

export const CACHE_CONTEXTS = ['full', 'last'] as const
export type CacheContext = (typeof CACHE_CONTEXTS)[number]

/**
 * For text-embedding-3-small, whose cosine scale sits far below ada-002's: the README's "Choosing the
 * similarity threshold" gives the published measurements behind it and `npm run eval:cache` measures it.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.8

export const CACHE_SETTINGS = {
  allowed: setting({ env: 'CACHE_ALLOWED', default: true, help: 'cache on/off', parse: bool }),
  // Not trimmed: the default's trailing space is part of the word. Blank means the default, since an
  // empty word would prefix every message and bypass the cache for all.
  skipWord: setting({
    env: 'CACHE_SKIP_WORD',
    default: '/skip_cache ',
    verbatim: true,
    help: 'a last message starting with it bypasses the cache lookup',
    parse: verbatim,
  }),
  similarityThreshold: setting({
    env: 'CACHE_SIMILARITY_THRESHOLD',
    default: DEFAULT_SIMILARITY_THRESHOLD,
    help: 'cosine similarity at or above which a semantic match is a hit',
    parse: fraction,
  }),
  // DESIGN §1.11: unset, the fixed threshold rules; set, each entry's threshold is learnt from its labels.
  maxWrongRate: setting<number | undefined>({
    env: 'CACHE_MAX_WRONG_RATE',
    default: undefined,
    shown: 'unset (the fixed CACHE_SIMILARITY_THRESHOLD)',
    help: 'serve a similar question only when the estimated chance the answer is wrong is at most this (e.g. 0.02), learnt from refutations',
    parse: probability,
  }),
  // Typed by hand: inferred from the 'full' default, the field would widen to string.
  context: setting<CacheContext>({
    env: 'CACHE_CONTEXT',
    default: 'full',
    help: 'full: earlier turns must match exactly; last: only model, system prompt and last message count',
    parse: oneOf(CACHE_CONTEXTS),
  }),
  ttlSeconds: setting({
    env: 'CACHE_TTL_SECONDS',
    default: 7 * 24 * 3600,
    shown: (seconds) => `${seconds} (${seconds / 86_400} days)`,
    help: 'cache entry lifetime',
    parse: int(1),
  }),
  maxEntries: setting({
    env: 'CACHE_MAX_ENTRIES',
    default: 100_000,
    help: 'least-recently-used eviction beyond this many entries',
    parse: int(1),
  }),
  /** usearch's expansion_search: candidates a semantic lookup explores (recall against time; bench/RESULTS.md). */
  searchExpansion: setting({
    env: 'CACHE_SEARCH_EXPANSION',
    default: 64,
    help: 'candidates a semantic lookup explores in the vector index (more: better recall, slower)',
    parse: int(1, 4096),
  }),
}
