// Embeddings are kept as f16: half the disk, and cosine similarity moves by well under 0.001.

export function packVector(vector: Float32Array): Uint8Array {
  return new Uint8Array(Float16Array.from(vector).buffer)
}

export function unpackVector(blob: Uint8Array): Float32Array {
  const copy = new Uint8Array(blob) // realigns: SQLite blobs may start at an odd offset
  return Float32Array.from(new Float16Array(copy.buffer, 0, copy.byteLength / 2))
}
