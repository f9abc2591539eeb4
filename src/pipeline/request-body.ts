import { requestTooLarge as tooLarge } from '../errors'

// MAX_BODY_SIZE is enforced here rather than by Bun's maxRequestBodySize, whose rejection is not an
// OpenAI-shaped error. A declared Content-Length is refused before anything is read; a chunked body is
// counted as it streams.

export function checkDeclaredSize(request: Request, limit: number) {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > limit) throw tooLarge(limit)
}

/** The whole body as text, for the JSON endpoints the proxy inspects. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  checkDeclaredSize(request, limit)
  // A declared length within the limit is held to by the HTTP parser: read natively, without a JS stream.
  if (request.headers.has('content-length')) return request.text()
  return (await readChunked(request, limit)).toString('utf8')
}

/** The whole body as bytes, for a pass-through body that must be read before it is sent (a multipart form). */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  checkDeclaredSize(request, limit)
  if (request.headers.has('content-length')) return new Uint8Array(await request.arrayBuffer())
  return readChunked(request, limit)
}

async function readChunked(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of request.body) {
    size += chunk.byteLength
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The body as a stream that fails once it passes `limit`, for bodies passed through untouched. */
export function limitedBody(request: Request, limit: number, onTooLarge: () => void): ReadableStream<Uint8Array> | null {
  checkDeclaredSize(request, limit)
  if (!request.body) return null
  let size = 0
  return request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength
        if (size > limit) {
          onTooLarge()
          controller.error(tooLarge(limit))
          return
        }
        controller.enqueue(chunk)
      },
    })
  )
}
