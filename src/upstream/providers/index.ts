import type { ProviderKind } from '../../config/upstreams'
import { anthropic } from './anthropic'
import { openai } from './openai'
import { openaiChat } from './openai-chat'
import type { Provider } from './types'

// The adapter of each provider kind. Every word `provider:` accepts (config/upstreams.ts) has one: the type
// says so, so a kind added there without its adapter does not compile.

const ADAPTERS: Record<ProviderKind, Provider> = { openai, 'openai-chat': openaiChat, anthropic }

export function providerOf(kind: ProviderKind): Provider {
  return ADAPTERS[kind]
}

export type { ListedModel, Provider, ProviderKind, Speakable, Verdict } from './types'
