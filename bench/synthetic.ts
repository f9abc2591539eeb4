// Synthetic question embeddings for the cache-at-scale measurements: deterministic, so every run (and every
// machine) builds the same index, and any entry's vector can be regenerated from its id alone.
//
// Shape: 1536 dimensions (text-embedding-3-small), unit length, with structure at four scales, as questions
// have: DOMAINS broad fields, each holding TOPICS_PER_DOMAIN topics, each split into SUBTOPICS narrower ones,
// and each entry its own point near its subtopic. Cosines: same subtopic ≈ 0.76, same topic ≈ 0.45, same
// domain ≈ 0.19, unrelated ≈ 0. A query made by `queryVector` sits at ≈ 0.90 from the entry it paraphrases —
// above the default CACHE_SIMILARITY_THRESHOLD (0.8) — and ≈ 0.68 from that entry's subtopic neighbours, so a
// lookup has exactly one true match, as a paraphrase hit does.
//
// Why a hierarchy: version 2 of this generator had 1000 mutually orthogonal topics. In such a space nothing
// on the way to the right topic is any closer to it than anything else, which is the worst case for a graph
// index (HNSW found only 68.5% of the paraphrased entries at 1M with src/'s settings) and unlike text
// embeddings, whose fields, topics and subtopics nest. These are synthetic all the same, and RESULTS.md says so.

export const DIMENSIONS = 1536
export const DOMAINS = 20
export const TOPICS_PER_DOMAIN = 50
export const SUBTOPICS = 100
const TOPICS = DOMAINS * TOPICS_PER_DOMAIN
/** Bumped whenever the generator or the stored rows change: cached data of another version is rebuilt. */
export const GENERATOR_VERSION = 3

// Per-component variances of the four parts (directions are unit variance per component; weights are their
// square roots). Same subtopic ≈ (0.5+0.7+0.8)/2.64 = 0.76, same topic ≈ 1.2/2.64 = 0.45, same domain ≈ 0.19.
const DOMAIN_WEIGHT = Math.sqrt(0.5)
const TOPIC_WEIGHT = Math.sqrt(0.7)
const SUBTOPIC_WEIGHT = Math.sqrt(0.8)
const ENTRY_NOISE = 0.8 // variance 0.64
const QUERY_NOISE = 0.48 // length of the noise added to a unit vector: cosine to the source ≈ 1/√(1+0.48²) ≈ 0.90
const UNIFORM_SCALE = Math.sqrt(3) // uniform on [-√3, √3] has unit variance

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Zero mean, unit variance; uniform is enough for isotropic noise in 1536 dimensions, and one draw is cheap. */
function unit(next: () => number): number {
  return (next() * 2 - 1) * UNIFORM_SCALE
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}

let pool: Float32Array | undefined
/** TOPICS random directions: the topics themselves, and (shifted) the domains' and subtopics' directions. */
function directions(): Float32Array {
  if (pool) return pool
  pool = new Float32Array(TOPICS * DIMENSIONS)
  const next = prng(0xc0ffee)
  for (let i = 0; i < pool.length; i++) pool[i] = unit(next)
  return pool
}

function normalizeInto(out: Float32Array, offset: number) {
  let sum = 0
  for (let d = 0; d < DIMENSIONS; d++) sum += out[offset + d]! * out[offset + d]!
  const scale = 1 / Math.sqrt(sum)
  for (let d = 0; d < DIMENSIONS; d++) out[offset + d]! *= scale
}

/** The stored embedding of entry `id` (ids start at 1), written into `out` at `offset`. */
export function entryVector(id: number, out: Float32Array = new Float32Array(DIMENSIONS), offset = 0): Float32Array {
  const table = directions()
  const topic = mix(id) % TOPICS
  const domain = Math.floor(topic / TOPICS_PER_DOMAIN)
  const subtopic = mix(id ^ 0x51ed27) % SUBTOPICS
  // Domain and subtopic directions: pool vectors, cyclically shifted — nearly orthogonal to the topics and to
  // each other, without storing 100k vectors. Shifts are distinct from 0 and between the two kinds.
  const domainSource = ((domain * 7919 + 13) % TOPICS) * DIMENSIONS
  const domainShift = 1 + domain
  const source = ((topic * 7919 + subtopic * 104729) % TOPICS) * DIMENSIONS
  const shift = 1 + DOMAINS + ((topic * SUBTOPICS + subtopic) % (DIMENSIONS - 1 - DOMAINS))
  const base = topic * DIMENSIONS
  const next = prng(mix(id ^ 0x9e3779b9))
  let domainAt = domainShift
  let subtopicAt = shift
  let sum = 0
  for (let d = 0; d < DIMENSIONS; d++) {
    const value =
      DOMAIN_WEIGHT * table[domainSource + domainAt]! +
      TOPIC_WEIGHT * table[base + d]! +
      SUBTOPIC_WEIGHT * table[source + subtopicAt]! +
      ENTRY_NOISE * unit(next)
    out[offset + d] = value
    sum += value * value
    if (++domainAt === DIMENSIONS) domainAt = 0
    if (++subtopicAt === DIMENSIONS) subtopicAt = 0
  }
  const scale = 1 / Math.sqrt(sum)
  for (let d = 0; d < DIMENSIONS; d++) out[offset + d]! *= scale
  return out
}

/** A paraphrase of entry `id`: its vector plus noise, at a cosine of about 0.9 from it. */
export function queryVector(id: number, salt = 1): Float32Array {
  const out = entryVector(id)
  const next = prng(mix(id * 31 + salt))
  // Unit-variance noise per component, scaled so the whole noise vector has length QUERY_NOISE.
  const perComponent = QUERY_NOISE / Math.sqrt(DIMENSIONS)
  for (let d = 0; d < DIMENSIONS; d++) out[d]! += perComponent * unit(next)
  normalizeInto(out, 0)
  return out
}

/** A vector far from every entry (a question nobody asked before): a lookup that must miss. */
export function unrelatedVector(salt: number): Float32Array {
  const out = new Float32Array(DIMENSIONS)
  const next = prng(mix(salt ^ 0x5bd1e995))
  for (let d = 0; d < DIMENSIONS; d++) out[d] = unit(next)
  normalizeInto(out, 0)
  return out
}

/** The stored question of entry `id`, and a paraphrase the cache's guard accepts as the same question. */
export const entryPrompt = (id: number) => `How tall is tower ${id}?`
export const paraphrasePrompt = (id: number) => `What is the height of tower ${id}`
export const entryAnswer = (id: number) => `Tower ${id} is ${20 + (id % 300)} metres tall.`

/** Deterministic pseudo-random ids in [1, n], for choosing which entries to query. */
export function pickIds(n: number, count: number, seed: number): number[] {
  const next = prng(seed)
  return Array.from({ length: count }, () => 1 + Math.floor(next() * n))
}
