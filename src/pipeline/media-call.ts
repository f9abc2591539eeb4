import type { ClientKey } from '../auth/client-key'
import { badRequest } from '../errors'
import { meterMedia, type MediaRequest } from '../limits/media-meter'
import type { Gatekeeper } from '../limits/gatekeeper'
import type { PoolRequest, UpstreamPool } from '../upstream/pool'
import type { RequestContext } from './context'
import { mediaCapture } from './metering'
import { relay } from './relay'
import { readBodyBytes } from './request-body'

// An images or audio call of a key with a budget (DESIGN §1.9): priced from the request before it is sent,
// reserved, and settled to what the answer reports, or released when it fails — the same as a model call.
//
// The body is read whole (within MAX_BODY_SIZE) rather than streamed through: the model of a multipart call
// is a form field that may come after the file (the Node SDK sends fields in the order the caller wrote
// them, `file` usually first), so it cannot be known without reading the file anyway; and an unpriced call
// must be refused before a byte of it is sent. A body held in memory can also be sent again to the next
// upstream. Keys without a budget still stream theirs through.

export interface MediaCallDeps {
  gatekeeper: Gatekeeper
  pool: UpstreamPool
  maxBodySize: number
  secrets: readonly string[]
}

export async function meteredPassThrough(
  ctx: RequestContext,
  request: Request,
  path: string,
  group: MediaRequest['group'],
  key: ClientKey,
  deps: MediaCallDeps,
  accepts?: PoolRequest['accepts']
) {
  const body = await readBodyBytes(request, deps.maxBodySize)
  const meter = meterMedia(await mediaRequestOf(request, path, group, body), deps.gatekeeper.prices, key.budget!)
  ctx.model = meter.call.model
  const admission = await ctx.admit(deps.gatekeeper, key, meter.call)
  try {
    const answer = await ctx.callUpstream(deps.pool, {
      method: request.method,
      path,
      headers: request.headers,
      body,
      retryable: true,
      signal: request.signal,
      accepts,
    })
    const headers = { ...admission.headers, 'x-upstream': answer.upstream }
    if (meter.readsAnswer) return await relay(answer.response, ctx, headers, deps.secrets, mediaCapture(meter, admission))
    // Priced before it was sent (speech, per character): an answer that is not an error cost that, however
    // much of its audio the client then reads.
    await (answer.response.status < 300 ? admission.settle(meter.spent(undefined)) : admission.release())
    return await relay(answer.response, ctx, headers, deps.secrets)
  } catch (error) {
    // Whatever failed before the answer was settled spent nothing (a settled admission ignores this).
    await admission.release()
    throw error
  }
}

/** What the meter reads of the request: its fields, from JSON or a multipart form, and the form's files. */
async function mediaRequestOf(request: Request, path: string, group: MediaRequest['group'], body: Uint8Array): Promise<MediaRequest> {
  const route = { group, path: path.split('?')[0]!.replace(/(?<=.)\/$/, '') }
  const type = request.headers.get('content-type') ?? ''
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData().catch(() => {
      throw badRequest('The multipart/form-data body could not be read.', null, 'invalid_multipart')
    })
    const fields: Record<string, unknown> = {}
    const files: MediaRequest['files'] = []
    for (const [name, value] of form) {
      if (typeof value === 'string') fields[name] = value
      else files.push({ field: name, bytes: value.size })
    }
    return { ...route, fields, files }
  }
  let fields: unknown
  try {
    fields = JSON.parse(new TextDecoder().decode(body))
  } catch {}
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw badRequest('The request body must be a JSON object or a multipart/form-data form.', null, 'invalid_json')
  return { ...route, fields: fields as Record<string, unknown>, files: [] }
}
