// The embeddings eval:cache measures with: the offline stand-in, or the upstream model (vectors cached on disk).

import { join } from 'node:path'
import { fail } from './pairs'

const HERE = import.meta.dir

export interface Source {
  description: string
  embed(texts: string[]): Promise<Map<string, Float32Array>>
}

/**
 * A deterministic offline embedding: hashed bag of words, character trigrams and CJK character uni- and
 * bigrams, signed (so collisions cancel out instead of piling up), L2-normalised. It only makes the script
 * runnable without a key; its similarities have nothing to do with a real model's.
 */
export function standin(dims = 1024): Source {
  const fnv = (s: string) => {
    let h = 0x811c9dc5
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
    return h >>> 0
  }
  const embedOne = (text: string) => {
    const v = new Float32Array(dims)
    const add = (feature: string, weight: number) => {
      const h = fnv(feature)
      v[h % dims]! += h & 0x80000000 ? -weight : weight
    }
    const t = text.normalize('NFKC').toLowerCase()
    for (const [w] of t.matchAll(/[a-z0-9]+/g)) {
      add(`w:${w}`, 1)
      const padded = `#${w}#`
      for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, 0.3)
    }
    for (const [run] of t.matchAll(/[\u3400-\u9fff]+/g)) {
      for (let i = 0; i < run.length; i++) {
        add(`h:${run[i]}`, 0.6)
        if (i + 1 < run.length) add(`h:${run.slice(i, i + 2)}`, 1)
      }
    }
    return normalise(v)
  }
  return {
    description: `standin (local hashed word + character n-gram bag, ${dims} dims)`,
    embed: async (texts) => new Map(texts.map((t) => [t, embedOne(t)])),
  }
}

export function upstream(): Source {
  const env = process.env
  const baseUrl = (env.EMBEDDING_BASE_URL || env.OPENAI_BASE_URL || 'https://api.openai.com/v1').replace(/\/+$/, '')
  const key = env.EMBEDDING_KEY || env.OPENAI_KEY || env.OPENAI_API_KEY
  const model = env.EMBEDDING_MODEL || 'text-embedding-3-small'
  if (!key) fail('--embeddings upstream needs EMBEDDING_KEY, OPENAI_KEY or OPENAI_API_KEY')
  let origin: string
  try {
    origin = new URL(baseUrl).origin
  } catch {
    fail(`EMBEDDING_BASE_URL / OPENAI_BASE_URL is not a URL: ${baseUrl}`)
  }
  const cacheFile = join(HERE, `.embeddings-${model.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`)
  // An upstream's error may quote the request; make sure the key never reaches the terminal.
  const redact = (s: string) => s.split(key).join('***')

  return {
    description: `upstream ${origin}, model ${model}`,
    async embed(texts) {
      const cache = await readCache(cacheFile, model, baseUrl)
      const missing = [...new Set(texts)].filter((t) => !cache.vectors.has(t))
      if (missing.length > 0) console.log(`fetching ${missing.length} embeddings (${cache.vectors.size} cached in ${cacheFile})`)
      for (let i = 0; i < missing.length; i += 100) {
        const batch = missing.slice(i, i + 100)
        let response: Response
        try {
          response = await fetch(`${baseUrl}/embeddings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ model, input: batch, encoding_format: 'float' }),
            signal: AbortSignal.timeout(120_000),
          })
        } catch (error) {
          fail(`embeddings request to ${origin} failed: ${redact(String((error as Error)?.message ?? error))}`)
        }
        const body = await response.text()
        if (!response.ok) {
          let message = body
          try {
            message = JSON.parse(body)?.error?.message ?? body
          } catch {}
          fail(`embeddings request to ${origin} answered HTTP ${response.status}: ${redact(message).slice(0, 300)}`)
        }
        let data: { index: number; embedding: unknown }[]
        try {
          data = JSON.parse(body).data
        } catch {
          fail(`embeddings response from ${origin} is not JSON`)
        }
        if (!Array.isArray(data) || data.length !== batch.length) {
          fail(`embeddings response from ${origin} has ${data?.length ?? 'no'} vectors for ${batch.length} inputs`)
        }
        for (const item of data) {
          const text = batch[item.index]
          const vector = item.embedding
          if (text === undefined || !Array.isArray(vector) || vector.length === 0 || !vector.every((x) => typeof x === 'number')) {
            fail(`embeddings response from ${origin} has a malformed item (index ${item.index})`)
          }
          cache.vectors.set(text, normalise(Float32Array.from(vector as number[])))
        }
        await writeCache(cacheFile, model, baseUrl, cache.vectors) // keep what was paid for, even if a later batch fails
      }
      return cache.vectors
    },
  }
}

async function readCache(file: string, model: string, baseUrl: string) {
  const vectors = new Map<string, Float32Array>()
  const f = Bun.file(file)
  if (!(await f.exists())) return { vectors }
  try {
    const stored = await f.json()
    if (stored.model === model && stored.baseUrl === baseUrl) {
      for (const [text, b64] of Object.entries(stored.vectors as Record<string, string>)) {
        vectors.set(text, new Float32Array(Uint8Array.from(Buffer.from(b64, 'base64')).buffer))
      }
    } else console.log(`ignoring ${file}: it holds vectors from another model or base URL`)
  } catch {
    console.log(`ignoring unreadable ${file}`)
  }
  return { vectors }
}

async function writeCache(file: string, model: string, baseUrl: string, vectors: Map<string, Float32Array>) {
  const encoded: Record<string, string> = {}
  for (const [text, v] of vectors) encoded[text] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
  await Bun.write(file, JSON.stringify({ model, baseUrl, vectors: encoded }))
}

export function normalise(v: Float32Array): Float32Array {
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm)
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm
  return v
}
