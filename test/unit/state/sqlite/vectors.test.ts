import { describe, expect, test } from 'bun:test'
import { packVector, unpackVector } from '../../../../src/state/sqlite/vectors'

const unit = (...xs: number[]) => {
  const v = Float32Array.from(xs)
  const n = Math.hypot(...xs)
  return v.map((x) => x / n)
}

describe('packVector / unpackVector', () => {
  // Paging the stored vectors is in cache-entries.test.ts.
  test('embeddings round-trip through f16 within 1e-3', () => {
    const v = unit(0.1, -0.7, 0.3, 0.2)
    const back = unpackVector(packVector(v))
    back.forEach((x, i) => expect(Math.abs(x - v[i]!)).toBeLessThan(1e-3))
  })
})
