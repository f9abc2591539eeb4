// USD per million tokens, for key budgets and the "money saved" estimate. List prices change: operators
// override or extend this table with MODEL_PRICES. A dated model name (gpt-4o-mini-2024-07-18) takes the price
// of the longest listed name it starts with. The image and audio models that report token usage price their
// image or audio input apart; an entry without that price charges it as input.

export interface TokenPrice {
  input: number
  output: number
  image_input?: number
  audio_input?: number
}

export type PriceTable = Record<string, TokenPrice>

export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'gpt-3.5-turbo-instruct': { input: 1.5, output: 2 },
  o1: { input: 15, output: 60 },
  'o3-mini': { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
  // Images and transcription, by the token usage their answers report (DESIGN §1.9).
  'gpt-image-1': { input: 5, image_input: 10, output: 40 },
  'gpt-image-1-mini': { input: 2, image_input: 2.5, output: 8 },
  'gpt-4o-transcribe': { input: 2.5, audio_input: 6, output: 10 },
  'gpt-4o-mini-transcribe': { input: 1.25, audio_input: 3, output: 5 },
}

/** The entry of `model` in a table by model name: its own, or the longest listed name it starts with. */
export function priceOf<T>(table: Record<string, T>, model: string): T | undefined {
  // Own properties only: a client's model name ('constructor') must not find what every object has.
  if (Object.hasOwn(table, model)) return table[model]
  let best: string | undefined
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (!best || name.length > best.length)) best = name
  }
  return best ? table[best] : undefined
}

export function costOf(table: PriceTable, model: string, promptTokens: number, completionTokens: number): number {
  const price = priceOf(table, model)
  return price ? (promptTokens * price.input + completionTokens * price.output) / 1_000_000 : 0
}
