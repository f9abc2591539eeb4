// Talks to proxy-gpt with the official openai JS SDK: a chat completion, the same question streamed,
// the question again (answered from the proxy's cache), and an embeddings call.
//
//   PROXY_URL=http://localhost:7860 PROXY_KEY=... bun run examples/chat.ts
//
// The only difference from talking to OpenAI directly: baseURL points at the proxy, apiKey is the proxy key.

import OpenAI from 'openai'

const PROXY_URL = (process.env.PROXY_URL || 'http://localhost:7860').replace(/\/+$/, '')
// PROXY_KEY may list several keys separated by commas (as in the proxy's own .env); any one of them works.
const PROXY_KEY = (process.env.PROXY_KEY ?? '').split(',')[0]!.trim()

const MODEL = 'gpt-4o-mini'
const EMBEDDING_MODEL = 'text-embedding-3-small'
const QUESTION = 'Say hello in French.'

if (!PROXY_KEY) {
  console.error('Set PROXY_KEY to your proxy key, e.g. PROXY_KEY=... bun run examples/chat.ts')
  process.exit(2)
}

const client = new OpenAI({ baseURL: `${PROXY_URL}/v1`, apiKey: PROXY_KEY })
const messages = [{ role: 'user' as const, content: QUESTION }]

/** The proxy's cache headers: x-cache is HIT, MISS or BYPASS; x-cache-match says how a hit matched. */
function cacheHeaders(response: Response): string {
  const cache = response.headers.get('x-cache') ?? '(none)'
  const match = response.headers.get('x-cache-match')
  return match ? `x-cache: ${cache}, x-cache-match: ${match}` : `x-cache: ${cache}`
}

async function main() {
  console.log(`Proxy: ${PROXY_URL}/v1`)

  // 1. A plain chat completion. `.withResponse()` also gives the HTTP response, to read headers.
  console.log(`\n1. Chat completion: "${QUESTION}"`)
  const first = await client.chat.completions.create({ model: MODEL, messages }).withResponse()
  console.log(`   answer: ${first.data.choices[0]?.message.content}`)
  console.log(`   ${cacheHeaders(first.response)}  (MISS the first time; HIT if this question was asked before)`)

  // 2. The same question, streamed: the text arrives in chunks, printed as they come.
  console.log('\n2. The same question, streamed:')
  const { data: stream, response: streamResponse } = await client.chat.completions
    .create({ model: MODEL, messages, stream: true })
    .withResponse()
  process.stdout.write('   streamed: ')
  let chunks = 0
  for await (const chunk of stream) {
    const text = chunk.choices[0]?.delta?.content
    if (text) {
      process.stdout.write(text)
      chunks++
    }
  }
  console.log(`\n   (${chunks} chunks) ${cacheHeaders(streamResponse)}`)

  // 3. Asked again: the proxy answers from its cache, without calling the model.
  console.log('\n3. The same question again:')
  const again = await client.chat.completions.create({ model: MODEL, messages }).withResponse()
  console.log(`   answer: ${again.data.choices[0]?.message.content}`)
  console.log(`   ${cacheHeaders(again.response)}`)

  // 4. Embeddings go through the proxy (and its cache) the same way.
  console.log(`\n4. Embeddings with ${EMBEDDING_MODEL}:`)
  const embedding = await client.embeddings.create({ model: EMBEDDING_MODEL, input: QUESTION }).withResponse()
  const vector = embedding.data.data[0]?.embedding ?? []
  const preview = vector.slice(0, 3).map((v) => v.toFixed(4)).join(', ')
  console.log(`   ${vector.length} dimensions: [${preview}, ...]`)
  console.log(`   ${cacheHeaders(embedding.response)}`)

  console.log('\nDone.')
}

main().catch((error: unknown) => {
  if (error instanceof OpenAI.APIError) {
    // 401: wrong proxy key; 429: over MODEL_RATE_LIMIT; 5xx: the proxy could not reach the upstream.
    console.error(`\nRequest failed: ${error.status ?? 'no response'} ${error.message}`)
  } else {
    console.error('\nFailed:', error)
  }
  process.exit(1)
})
