// Embeddings arrive as floats or, for the SDKs' default, base64 of little-endian float32. The cache keeps
// floats and answers in whichever encoding the client asks for.

/** An embeddings answer with every vector as floats. */
export function embeddingsAsFloats(body: any): any {
  if (!Array.isArray(body?.data)) return body
  return {
    ...body,
    data: body.data.map((item: any) => (typeof item?.embedding === 'string' ? { ...item, embedding: fromBase64(item.embedding) } : item)),
  }
}

/** A stored (float) embeddings answer in the encoding a request asked for. */
export function encodeEmbeddings(body: any, encoding: unknown): any {
  if (encoding !== 'base64') return body
  return { ...body, data: body.data.map((item: any) => ({ ...item, embedding: toBase64(item.embedding) })) }
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

function fromBase64(text: string): number[] {
  const bytes = new Uint8Array(Buffer.from(text, 'base64')) // a copy: Buffer's pool offset may not be 4-aligned
  return Array.from(new Float32Array(bytes.buffer, 0, bytes.byteLength >> 2))
}
