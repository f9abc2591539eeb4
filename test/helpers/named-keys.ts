// Named proxy keys (DESIGN §1.2 `keys:`) for integration tests: a config with ${VAR}s for the keys, the
// environment that sets them, and small readers of what an SDK call answered.

import type OpenAI from 'openai'

export interface NamedKey {
  name: string
  /** The key's value: put in the environment, referred to from the config as ${<NAME>_KEY}. */
  key: string
  [setting: string]: unknown
}

const variableOf = (name: string) => `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_KEY`

/**
 * The env of a proxy with these keys: PROXY_CONFIG (JSON is YAML) naming each key by a ${VAR}, and the
 * variables themselves. `extra` adds other sections (upstreams:).
 */
export function keysEnv(keys: NamedKey[], extra: Record<string, unknown> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  const entries = keys.map(({ key, ...rest }) => {
    env[variableOf(rest.name)] = key
    return { ...rest, key: `\${${variableOf(rest.name)}}` }
  })
  return { ...env, PROXY_CONFIG: JSON.stringify({ keys: entries, ...extra }) }
}

/** A question no other test asks, whose words are near nothing else for the fake embedding. */
export const uniqueQuestion = () => `Tell me about ${crypto.randomUUID().replaceAll('-', ' ')}`

/** A chat completion through the SDK, with what the proxy said in its headers. */
export async function chat(client: OpenAI, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers })
    .withResponse()
  return { answer: data.choices[0]!.message.content, cache: response.headers.get('x-cache'), match: response.headers.get('x-cache-match'), headers: response.headers }
}

/** The error an SDK call failed with (an OpenAI.APIError), or a test failure when it succeeded. */
export async function sdkError(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error
  )
  if (!outcome) throw new Error('expected the call to fail, it succeeded')
  return outcome as InstanceType<typeof OpenAI.APIError>
}
