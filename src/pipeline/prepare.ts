import type { ClientKey } from '../auth/client-key'
import type { Config } from '../config/load'
import { clampOutputTokens } from '../openai/clamp'
import type { Endpoint } from '../openai/endpoints'
import { parseJsonObject, validateBody, type JsonObject } from '../openai/validate'
import type { RequestContext } from './context'

/** Parses the JSON body, refuses what the proxy would not forward (400), and applies the key's output cap. */
export function prepareBody(ctx: RequestContext, text: string, endpoint: Endpoint, key: ClientKey, config: Config): JsonObject {
  const body = parseJsonObject(text)
  validateBody(endpoint, body, config.maxN)
  if (clampOutputTokens(endpoint, body, key.maxOutputTokens)) ctx.outputCap = key.maxOutputTokens
  if (typeof body.model === 'string') ctx.model = body.model
  return body
}
