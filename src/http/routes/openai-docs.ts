// OpenAPI descriptions of the proxied routes for /swagger. Bodies are documented here rather than declared
// as Elysia schemas: a schema would make Elysia validate (and strip) the fields the proxy must forward.

const json = (example: object, description: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema: { type: 'object' as const, additionalProperties: true }, example } },
})

const errors = {
  '400': { description: 'Invalid JSON, JSON nested over 128 levels, a field of the wrong type (named in `error.param`), or more answers than MAX_N' },
  '401': { description: 'Missing or wrong proxy key (past 20 a minute from one address: 429 too_many_failed_auth)' },
  '413': { description: 'Body larger than MAX_BODY_SIZE' },
  '429': { description: 'The key\'s rate limit reached (see Retry-After), its budget used up (insufficient_quota), or every upstream key resting' },
  '502': { description: 'Upstream unreachable, or its answer was cut off' },
  '504': { description: 'Upstream sent no response headers within UPSTREAM_TIMEOUT_MS' },
}

const secured = { security: [{ proxyKey: [] }], tags: ['OpenAI'] }

export const openaiDocs = {
  chat: {
    ...secured,
    summary: 'Chat completion',
    description:
      'Forwarded to the upstream with the real key. `max_tokens` / `max_completion_tokens` are clamped to MAX_OUTPUT_TOKENS ' +
      '(set to it when absent). With `"stream": true` the answer streams as server-sent events.',
    requestBody: json(
      { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Say hello in French.' }], stream: false },
      'OpenAI chat completion request; every field is forwarded.'
    ),
    responses: { '200': { description: 'Chat completion (JSON or text/event-stream)' }, ...errors },
  },
  completions: {
    ...secured,
    summary: 'Text completion (legacy)',
    requestBody: json({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test', max_tokens: 16 }, 'OpenAI completion request.'),
    responses: { '200': { description: 'Completion' }, ...errors },
  },
  embeddings: {
    ...secured,
    summary: 'Embeddings',
    requestBody: json({ model: 'text-embedding-3-small', input: 'The food was delicious.' }, 'OpenAI embeddings request.'),
    responses: { '200': { description: 'Embedding vectors' }, ...errors },
  },
  responses: {
    ...secured,
    summary: 'Responses API',
    description: 'Passed through; `max_output_tokens` is clamped to MAX_OUTPUT_TOKENS.',
    requestBody: json({ model: 'gpt-4o-mini', input: 'Write a haiku about caching.' }, 'OpenAI Responses request.'),
    responses: { '200': { description: 'Response object or event stream' }, ...errors },
  },
  models: {
    ...secured,
    summary: 'List models',
    description:
      "Passed through. The other groups of OpenAI's API (files, uploads, batches, images, audio, videos, moderations, fine_tuning, evals, " +
      'vector_stores, assistants, threads, containers, realtime) are passed through the same way; any other path is 404 `unknown_path` and never forwarded.',
    responses: { '200': { description: 'Model list' }, '401': errors['401'] },
  },
  usage: {
    ...secured,
    summary: "The calling key's usage: its budget, spent and remaining this period, when it renews, today's figures",
    responses: { '200': { description: '`{ object: "usage", key, budget, period, spent, reserved, remaining, today, rate_limit }`' }, '401': errors['401'] },
  },
  billingSubscription: {
    ...secured,
    summary: 'Legacy: the key\'s budget as `hard_limit_usd` (for chat clients that show a balance)',
    responses: { '200': { description: "OpenAI's old billing_subscription object" }, '401': errors['401'] },
  },
  billingUsage: {
    ...secured,
    summary: 'Legacy: cents spent between start_date and end_date (UTC, end excluded)',
    parameters: ['start_date', 'end_date'].map((name) => ({ name, in: 'query' as const, required: false, schema: { type: 'string' as const }, description: 'YYYY-MM-DD' })),
    responses: { '200': { description: '`{ object: "list", total_usage, daily_costs }`' }, '400': errors['400'], '401': errors['401'] },
  },
}
