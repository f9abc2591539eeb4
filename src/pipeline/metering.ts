import type { TokenEstimate } from '../limits/estimate'
import { tokensOfText } from '../limits/estimate'
import type { Admission } from '../limits/gatekeeper'
import { StreamMeter } from '../openai/sse/meter'
import { tokensOfAnswer } from '../openai/usage'
import type { Capture } from './relay'

// What a forwarded answer used, for the key's budget and usage: the usage the upstream reported (for a
// stream, the last one), or, when it reported none, what can be known: the prompt as estimated, and the
// text that arrived. A stream cut by either side is settled to what was received, never to nothing; an
// answer that failed (an error status, a body the upstream cut) spent nothing.

export function meteringCapture(estimate: TokenEstimate, admission: Admission, streamed: boolean): Capture {
  const meter = streamed ? new StreamMeter() : undefined
  return {
    chunk: (chunk) => meter?.push(chunk),
    done: async (outcome, text) => {
      if (outcome === 'failed') return admission.release()
      if (!meter) return admission.settle(tokensOfAnswer(text) ?? estimate)
      // A stream that ended normally carries its own count; one cut short may have carried only provisional
      // ones (zeros before the last chunk): it pays at least for what it received.
      const reported = meter.usage
      const received = tokensOfText(meter.receivedTextBytes)
      if (outcome === 'complete' && reported) return admission.settle(reported)
      return admission.settle({
        promptTokens: reported && reported.promptTokens > 0 ? reported.promptTokens : estimate.promptTokens,
        completionTokens: Math.max(reported?.completionTokens ?? 0, received),
      })
    },
  }
}
