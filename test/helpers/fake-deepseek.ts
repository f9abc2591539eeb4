// What the fake upstream adds to its chat answers in its chat-only mode (`speaks: 'chat'`), as DeepSeek sends
// them: the reasoning text of a reasoning model (`reasoning_content`, beside `content`) and the usage of its
// context cache (`prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`, with OpenAI's `cached_tokens` too).

/** Tokens the fake counts per message of a prompt: earlier messages are the cached part. */
export const TOKENS_PER_MESSAGE = 10

/** The reasoning text of a reasoning model (its name says `reason`, like deepseek-reasoner); none for others. */
export function reasoningFor(model: unknown, question: string): string | undefined {
  return /reason/i.test(String(model)) ? `Thinking about: ${question}` : undefined
}

/**
 * DeepSeek's usage: every message of the prompt counts TOKENS_PER_MESSAGE, and all but the last are a cache
 * hit (its disk cache holds a conversation's earlier turns); reasoning tokens are part of the completion.
 */
export function deepseekUsage(messages: unknown[] | undefined, answerTokens: number, reasoning?: string) {
  const count = Math.max(messages?.length ?? 1, 1)
  const prompt = TOKENS_PER_MESSAGE * count
  const hit = TOKENS_PER_MESSAGE * (count - 1)
  const reasoningTokens = reasoning ? reasoning.split(' ').length : 0
  const completion = answerTokens + reasoningTokens
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: hit },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
    prompt_cache_hit_tokens: hit,
    prompt_cache_miss_tokens: prompt - hit,
  }
}
