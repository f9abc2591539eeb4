// Traffic for the memory soak (item 4), run as its own process:
//
//   bun bench/soak-client.ts '<json spec>'   → one JSON line on stdout
//
// phase "seed": stores `pool` questions in the cache (one miss each).
// phase "mix":  `concurrency` loops send, for `durationS` seconds, a fixed mix of
//   30% exact hits, 20% semantic hits (paraphrases), 30% misses that go upstream and are not stored
//   (Cache-Control: no-store), 20% new questions (a miss, stored — the cache is kept full, so each one
//   also evicts the least recently used entry); half of each kind streamed.
// Every answer's x-cache header is checked against its kind, so a "hit" that was not one is counted.

const spec = JSON.parse(process.argv[2]!) as {
  phase: 'seed' | 'mix'
  url: string
  key: string
  pool: number
  durationS?: number
  concurrency?: number
  /** First number used for new questions; each phase uses its own range so they stay new. */
  firstNew?: number
  seed?: number
}

type Kind = 'exact' | 'semantic' | 'upstream' | 'new'
const EXPECTED: Record<Kind, string> = { exact: 'HIT/exact', semantic: 'HIT/semantic', upstream: 'BYPASS', new: 'MISS' }

// Questions made of three pseudo-words each, so that different questions share few words and their fake
// embeddings are spread out (questions differing in one number only would all sit at the same distance from
// each other, a degenerate case for the HNSW index that real questions do not present).
const SYLLABLES = 'ba ko ri mu te sa lo vi ne du ga pe zo hi ka ru me ti so na'.split(' ')
const word = (k: number) => SYLLABLES[k % 20]! + SYLLABLES[Math.floor(k / 20) % 20]! + SYLLABLES[Math.floor(k / 400) % 20]!
function words(i: number): [string, string, string] {
  let x = Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0
  return [word(x % 8000), word((x >>> 13) % 8000), word((i * 7 + 3) % 8000)]
}
export const question = (i: number) => {
  const [a, b, c] = words(i)
  return `How tall is the ${a} ${b} of ${c}?`
}
export const paraphrase = (i: number) => {
  const [a, b, c] = words(i)
  return `What is the height of the ${a} ${b} of ${c}`
}

async function ask(content: string, stream: boolean, noStore = false): Promise<string> {
  const response = await fetch(`${spec.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.key}`, ...(noStore ? { 'cache-control': 'no-store' } : {}) },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) }),
  })
  const text = await response.text()
  if (response.status !== 200 || !text.includes('Echo: ')) return `HTTP ${response.status}`
  const cache = response.headers.get('x-cache') ?? '-'
  const match = response.headers.get('x-cache-match')
  return match ? `${cache}/${match}` : cache
}

let state = (spec.seed ?? 1) >>> 0
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = Math.imul(state ^ (state >>> 15), state | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

if (spec.phase === 'seed') {
  let next = 0
  let stored = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < spec.pool) {
        const i = next++
        if ((await ask(question(i), false)) === 'MISS') stored++
      }
    })
  )
  // Embeddings of the seeded questions were taken during their lookups, so they are matchable at once.
  console.log(JSON.stringify({ stored }))
} else {
  const blank = () => ({ total: 0, unexpected: 0, failed: 0, seen: {} as Record<string, number> })
  const counts: Record<Kind, ReturnType<typeof blank>> = { exact: blank(), semantic: blank(), upstream: blank(), new: blank() }
  let fresh = spec.firstNew ?? 1_000_000
  const deadline = performance.now() + (spec.durationS ?? 10) * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: spec.concurrency ?? 16 }, async () => {
      while (performance.now() < deadline) {
        const roll = random()
        const kind: Kind = roll < 0.3 ? 'exact' : roll < 0.5 ? 'semantic' : roll < 0.8 ? 'upstream' : 'new'
        const stream = random() < 0.5
        const i = Math.floor(random() * spec.pool)
        let seen: string
        try {
          if (kind === 'exact') seen = await ask(question(i), stream)
          else if (kind === 'semantic') seen = await ask(paraphrase(i), stream)
          else if (kind === 'upstream') seen = await ask(question(i), stream, true)
          else seen = await ask(question(fresh++), stream)
        } catch {
          seen = 'error'
        }
        counts[kind].total++
        counts[kind].seen[seen] = (counts[kind].seen[seen] ?? 0) + 1
        if (seen.startsWith('HTTP') || seen === 'error') counts[kind].failed++
        else if (seen !== EXPECTED[kind]) counts[kind].unexpected++
      }
    })
  )
  const seconds = (performance.now() - started) / 1000
  const requests = Object.values(counts).reduce((sum, c) => sum + c.total, 0)
  console.log(JSON.stringify({ seconds, requests, rps: requests / seconds, counts, nextNew: fresh }))
}
