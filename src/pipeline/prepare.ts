import type { ClientKey } from '../auth/client-key'
import type { Config } from '../config/load'
import { clampOutputTokens } from '../openai/clamp'
import type { Endpoint } from '../openai/endpoints'
import { parseJsonObject, validateBody, type JsonObject } from '../openai/validate'
import type { RequestContext } from './context'
import { readBodyText } from './request-body'

/** Reads the JSON body, refuses what the proxy would not forward (400), and applies the key's output cap. */
export async function prepareBody(ctx: RequestContext, request: Request, endpoint: Endpoint, key: ClientKey, config: Config): Promise<JsonObject> {
  const body = parseJsonObject(await readBodyText(request, config.maxBodySize))
  validateBody(endpoint, body, config.maxN)
  clampOutputTokens(endpoint, body, key.maxOutputTokens)
  if (typeof body.model === 'string') ctx.model = body.model
  return body
}
