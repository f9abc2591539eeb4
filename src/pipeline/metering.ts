import type { TokenEstimate } from '../limits/estimate'
import { tokensOfText } from '../limits/estimate'
import type { Admission } from '../limits/gatekeeper'
import type { MediaMeter } from '../limits/media-meter'
import { SseParser } from '../openai/sse/parser'
import { StreamMeter } from '../openai/sse/meter'
import { tokensOfAnswer, type Tokens } from '../openai/usage'
import type { Capture } from './relay'

// What a forwarded answer used, for the key's budget and usage: the usage the upstream reported (for a
// stream, the last one), or, when it reported none, what can be known: the prompt as estimated, and the
// text that arrived. A stream cut by either side is settled to what was received, never to nothing; an
// answer that failed (an error status, a body the upstream cut) spent nothing.

export function meteringCapture(
  estimate: TokenEstimate,
  admission: Admission,
  streamed: boolean,
  model?: () => string | undefined,
  /** Told the usage the upstream reported for a complete answer (the statistics' provider cache hit rate). */
  heard?: (tokens: Tokens) => void
): Capture {
  const meter = streamed ? new StreamMeter() : undefined
  // Priced by the name of the upstream that answered (after its model_map), known once the answer is done.
  const settle = (spent: Tokens) => admission.settle({ ...spent, model: model?.() })
  return {
    chunk: (chunk) => meter?.push(chunk),
    done: async (outcome, text) => {
      if (outcome === 'failed') return admission.release()
      if (!meter) {
        const reported = tokensOfAnswer(text)
        if (reported) heard?.(reported)
        return settle(reported ?? estimate)
      }
      // A stream that ended normally carries its own count; one cut short may have carried only provisional
      // ones (zeros before the last chunk): it pays at least for what it received.
      const reported = meter.usage
      const received = tokensOfText(meter.receivedTextBytes)
      if (outcome === 'complete' && reported) {
        heard?.(reported)
        return settle(reported)
      }
      // A reported prompt comes with its cached part (Anthropic's message_start says both before any text);
      // the completion is what arrived, of which no part is known to be reasoning.
      const prompt: Tokens = reported && reported.promptTokens > 0 ? reported : { promptTokens: estimate.promptTokens, completionTokens: 0 }
      const { reasoningTokens: _reasoning, ...input } = prompt
      return settle({ ...input, completionTokens: Math.max(reported?.completionTokens ?? 0, received) })
    },
  }
}

/**
 * An images or audio answer (DESIGN §1.9): settled to the usage it reports — a JSON body's, or a stream's
 * event that carries it (`image_generation.completed`, `transcript.text.done`). Without one (a text-format
 * transcript, a stream cut before its last event) it is settled to the reservation: the upstream did the
 * work, and what it cost is not known for less. A failed answer spends nothing.
 */
export function mediaCapture(meter: MediaMeter, admission: Admission): Capture {
  const parser = new SseParser()
  let reported: unknown
  return {
    chunk: (chunk) => {
      for (const data of safely(() => parser.push(chunk))) {
        if (!data.includes('"usage"')) continue
        const event = jsonOf(data)
        if (event && typeof event === 'object' && 'usage' in event) reported = event
      }
    },
    done: (outcome, text) => {
      if (outcome === 'failed') return admission.release()
      return admission.settle(meter.spent(text === undefined ? reported : jsonOf(text)))
    },
  }
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function safely(read: () => string[]): string[] {
  try {
    return read()
  } catch {
    return []
  }
}
