import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../../../helpers/temp-dirs'
import { INDEX_DISTANCE_SLACK, VectorIndex } from '../../../../src/cache/semantic/vector-index'

const tempDir = tempDirs()

/** Deterministic numbers in [-1, 1) (a linear congruential generator), for vectors of many dimensions. */
const uniform = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs)
  const n = Math.hypot(...xs)
  return v.map((x) => x / n)
}

describe('VectorIndex', () => {
  const fingerprint = { model: 'e', dims: 3, count: 2, maxId: 2, sumId: 3 }

  test('search returns nearest ids; remove drops them', () => {
    const index = new VectorIndex(join(tempDir(), 'i.usearch'))
    index.add(1, unit(1, 0, 0))
    index.add(2, unit(0, 1, 0))
    expect(index.search(unit(0.9, 0.1, 0), 2)[0]!.id).toBe(1)
    index.remove([1])
    expect(index.search(unit(0.9, 0.1, 0), 2).map((m) => m.id)).toEqual([2])
    expect(index.search(unit(1, 0), 2)).toEqual([]) // another dimension: never a match
  })

  test('addMany adds a batch, skipping ids already present and vectors of another size', () => {
    const index = new VectorIndex(join(tempDir(), 'i.usearch'))
    index.add(1, unit(1, 0, 0))
    index.addMany([
      { id: 1, embedding: unit(0, 0, 1) },
      { id: 2, embedding: unit(0, 1, 0) },
      { id: 3, embedding: unit(0, 0, 1) },
      { id: 4, embedding: unit(1, 1) },
    ])
    expect(index.size).toBe(3)
    expect(index.search(unit(1, 0.1, 0), 1)[0]!.id).toBe(1) // the first vector for id 1 was kept
    expect(index.search(unit(0, 0.1, 1), 1)[0]!.id).toBe(3)
    expect(index.dirty).toBe(true)
  })

  test('the i8 index distance stays within INDEX_DISTANCE_SLACK of the exact cosine distance', () => {
    // Deterministic 1536-d vectors, isotropic and skewed (a few large components, as real embeddings have),
    // paired at cosines from 0.5 to 0.99: the range around any sensible threshold.
    const random = uniform(42)
    const normalize = (v: Float32Array) => {
      const n = Math.hypot(...v)
      return v.map((x) => x / n)
    }
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0)
    let worst = 0
    for (let pair = 0; pair < 40; pair++) {
      const skew = pair % 2 === 1
      const base = normalize(Float32Array.from({ length: 1536 }, (_, i) => random() * (skew && i % 97 === 0 ? 12 : 1)))
      const noise = normalize(Float32Array.from({ length: 1536 }, () => random()))
      const mix = 0.5 + (pair / 40) * 0.49
      const query = normalize(base.map((x, i) => mix * x + Math.sqrt(1 - mix * mix) * noise[i]!))
      const index = new VectorIndex(join(tempDir(), 'slack.usearch'))
      index.add(1, base)
      const [match] = index.search(query, 1)
      worst = Math.max(worst, Math.abs(match!.distance - (1 - cos(base, query))))
    }
    expect(worst).toBeLessThan(INDEX_DISTANCE_SLACK)
  })

  test('save and load; a changed fingerprint is stale; a damaged file is corrupt and never handed to usearch', async () => {
    const file = join(tempDir(), 'i.usearch')
    const index = new VectorIndex(file)
    index.add(1, unit(1, 0, 0))
    index.add(2, unit(0, 1, 0))
    await index.save(fingerprint)
    expect(index.dirty).toBe(false)

    const loaded = new VectorIndex(file)
    expect(await loaded.load(fingerprint)).toBe('loaded')
    expect(loaded.size).toBe(2)
    expect(await new VectorIndex(file).load({ ...fingerprint, count: 3, maxId: 3, sumId: 6 })).toBe('stale')
    expect(await new VectorIndex(file).load({ ...fingerprint, model: 'other' })).toBe('stale')
    expect(await new VectorIndex(join(tempDir(), 'none.usearch')).load(fingerprint)).toBe('missing')

    const bytes = await Bun.file(file).bytes()
    bytes[bytes.length - 1]! ^= 0xff
    writeFileSync(file, bytes)
    expect(await new VectorIndex(file).load(fingerprint)).toBe('corrupt')
    writeFileSync(`${file}.json`, '{not json')
    expect(await new VectorIndex(file).load(fingerprint)).toBe('corrupt')
  })

  test('the checksum covers files larger than one 4 MiB chunk; an md5 from earlier versions is still accepted', async () => {
    const file = join(tempDir(), 'big.usearch')
    const index = new VectorIndex(file)
    const random = uniform(7)
    index.addMany(Array.from({ length: 4000 }, (_, i) => ({ id: i + 1, embedding: Float32Array.from({ length: 1536 }, random) })))
    const big = { model: 'e', dims: 1536, count: 4000, maxId: 4000, sumId: 8_002_000 }
    await index.save(big)
    const bytes = await Bun.file(file).bytes()
    expect(bytes.length).toBeGreaterThan(5 << 20)
    expect(await new VectorIndex(file).load(big)).toBe('loaded')

    const meta = JSON.parse(await Bun.file(`${file}.json`).text())
    expect(meta.checksum).toStartWith('wyhash:')
    writeFileSync(`${file}.json`, JSON.stringify({ ...meta, checksum: new Bun.CryptoHasher('md5').update(bytes).digest('hex') }))
    expect(await new VectorIndex(file).load(big)).toBe('loaded')
    writeFileSync(`${file}.json`, JSON.stringify(meta))

    bytes[(4 << 20) + 1000]! ^= 0x01 // one bit, in the second chunk
    writeFileSync(file, bytes)
    expect(await new VectorIndex(file).load(big)).toBe('corrupt')
  })
})
