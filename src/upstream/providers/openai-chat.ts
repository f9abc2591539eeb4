import { openai } from './openai'
import { classifier } from './shared'
import type { Provider, Speakable, Verdict } from './types'

// The OpenAI-compatible endpoints that serve Chat Completions and little else (DESIGN §1.8): DeepSeek,
// Qwen/DashScope's compatible mode, Moonshot, Ollama, vLLM, OpenRouter. Paths and the Bearer key as for
// OpenAI; what differs is what they speak and how they say that an account has no money left.
//
// Speaks: chat, completions (vLLM, Ollama, DeepSeek's beta FIM and DashScope's coder models serve it; an
// upstream that does not answers its own 404, as for embeddings), embeddings, models. Not `responses`: the
// proxy translates a Responses request to chat for these upstreams. Not the pass-through groups (files,
// images, audio, batches, …): none of these providers serves OpenAI's, so such a request never goes here.

const SPEAKS: ReadonlySet<Speakable> = new Set<Speakable>(['chat', 'completions', 'embeddings', 'models'])

/**
 * The codes that say the account itself is out of money, whatever status carries them: DashScope's
 * `Arrearage` (a 400) and overdue bills (429), Moonshot's `exceeded_current_quota_error` (429), and the
 * `insufficient_balance` of the providers that copy DeepSeek's 402 into a code.
 */
const NO_MONEY = /"(?:Arrearage|PrepaidBillOverdue|PostpaidBillOverdue|exceeded_current_quota_error|insufficient_balance)"/i

/**
 * Refusals of one model, not of the key: DashScope's spent free tier of a model, a model the account may not
 * use or never bought. The key rests for that model and keeps serving the others.
 */
const MODEL_REFUSED = /"(?:AllocationQuota\.FreeTierOnly|Model\.AccessDenied|AccessDenied\.Unpurchased|CommodityNotPurchased)"/

/** The statuses whose body decides the verdict; any other answer is read by no one here. */
const READ = new Set([400, 401, 402, 403, 429])

/**
 * 401 and 402 (DeepSeek's and OpenRouter's "Insufficient Balance") refuse the key; so does a 403, or any of
 * the 400/429 codes above that say the account owes money. A 429 otherwise rests the key — including one
 * with OpenAI's `insufficient_quota`: DashScope sends its per-minute token throttle in exactly those words
 * (Model Studio's error codes, `#token-limit`), and it clears within the minute. 5xx (DeepSeek's 503 "server
 * busy" among them) is the upstream's trouble: the next upstream is tried.
 */
export const classify = classifier(READ, verdictOf)

function verdictOf(status: number, text: string): Verdict {
  if (status === 401 || status === 402 || NO_MONEY.test(text)) return 'disable'
  if (status === 400) return 'answer'
  if (MODEL_REFUSED.test(text)) return 'cool'
  return status === 403 ? 'disable' : 'cool'
}

// OpenAI's in all but what it speaks and what its refusals say: URLs, the Bearer key, cool-downs, the listing.
export const openaiChat: Provider = { ...openai, kind: 'openai-chat', speaks: SPEAKS, classify }
