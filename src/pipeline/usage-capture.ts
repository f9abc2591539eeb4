import { StreamMeter } from '../openai/sse/meter'
import { tokensOfAnswer, type Tokens } from '../openai/usage'
import type { Capture } from './relay'

// The usage an upstream reported for a forwarded answer, for the statistics' provider prompt-cache hit rate
// (DESIGN §1.9). A metered key's answer is read by its meter (metering.ts), which reports it too; this one
// reads the answers of other keys, and only where a copy of the answer is taken anyway (a cache miss being
// stored): an answer nothing else watches is piped through untouched, and a stream nobody asked usage for
// (chat, without `stream_options.include_usage`) has none to read.

/** Hands `heard` the usage of a complete answer: a JSON answer's, or the last a stream carried. */
export function usageCapture(streamed: boolean, heard: (tokens: Tokens) => void): Capture {
  const meter = streamed ? new StreamMeter() : undefined
  return {
    chunk: (chunk) => meter?.push(chunk),
    done: (outcome, text) => {
      if (outcome !== 'complete') return
      const tokens = meter ? meter.usage : tokensOfAnswer(text)
      if (tokens) heard(tokens)
    },
  }
}
