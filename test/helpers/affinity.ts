import { chatAffinity } from '../../src/dialects/affinity'
import { affinityScore } from '../../src/upstream/affinity'
import { fingerprint } from '../../src/upstream/fingerprint'

// Chat requests send turns that share a prompt prefix to the same upstream key (DESIGN §1.9), ranked by a
// hash of the prefix. Tests of what a key's health does to the next try need to know which key comes first:
// these make conversations whose prefix ranks the keys in a chosen order.

/** The first user message of a conversation whose prompt prefix ranks `keys` in the order given. */
export function openingRanking(keys: readonly string[], stem = 'Opening'): string {
  const fingerprints = keys.map(fingerprint)
  for (let i = 0; ; i++) {
    const opening = `${stem} ${i}`
    const affinity = chatAffinity({ messages: [{ role: 'user', content: opening }] })!
    const scores = fingerprints.map((f) => affinityScore(affinity, f))
    if (scores.every((score, j) => j === 0 || scores[j - 1]! > score)) return opening
  }
}

/** The messages of a later turn of the conversation `opening` began: it asks `question` now. */
export function laterTurn(opening: string, question: string) {
  return [
    { role: 'user' as const, content: opening },
    { role: 'assistant' as const, content: 'Noted.' },
    { role: 'user' as const, content: question },
  ]
}
