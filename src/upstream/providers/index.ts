import type { ProviderKind } from '../../config/upstreams'
import { openai } from './openai'
import type { Provider } from './types'

// The adapter of each provider kind. The config file's check refuses at start a kind that has none yet
// (config/upstreams.ts), so a miss here is the code's mistake, not the operator's.

const ADAPTERS: Partial<Record<ProviderKind, Provider>> = { openai }

export function providerOf(kind: ProviderKind): Provider {
  const adapter = ADAPTERS[kind]
  if (!adapter) throw new Error(`provider ${kind} has no adapter in this version`)
  return adapter
}

export type { ListedModel, Provider, ProviderKind, Speakable, Verdict } from './types'
