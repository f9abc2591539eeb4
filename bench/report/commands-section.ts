// The closing section: the commands that produced the numbers, so a reader can run each part alone.

import { isMessagesTarget } from '../messages-cells'
import { isResponsesTarget } from '../responses-cells'
import { DEFAULT_TIERS } from '../scale-common'
import { GENERATOR_VERSION } from '../synthetic'
import type { RunResults } from './results'

export function commandsSection(r: RunResults): string {
  const o = r.sections.matrix?.options
  const redis = r.sections.matrix?.redis
  // Results written before the Responses cells existed were made without their servers.
  const responses = r.sections.matrix?.cells.some((c) => isResponsesTarget(c.target)) ?? false
  const messages = r.sections.matrix?.cells.some((c) => isMessagesTarget(c.target)) ?? false
  return `## Commands that produced these numbers

\`\`\`sh
${r.command}        # = bun run bench/run.ts${r.quick ? ' --quick' : ''}; it starts and stops everything below
\`\`\`

Servers, each its own process on 127.0.0.1 (ports chosen free at start):

\`\`\`sh
bun bench/fake-upstream.ts <port> ${o?.latencyMs ?? 1}                                     # (a) fixed ${o?.latencyMs ?? 1} ms before headers
bun bench/fake-upstream.ts <port> ${o?.latencyMs ?? 1} ${(o?.embeddingDelaysMs ?? [150, 2000]).join('|')}                            # the miss cells' slow embedders (chat still ${o?.latencyMs ?? 1} ms)
bun bench/floor-forwarder.ts <port> http://127.0.0.1:<upstream> <key>          # (b)
OPENAI_KEY=… PROXY_KEY=… OPENAI_BASE_URL=http://127.0.0.1:<upstream>/v1 HOST=127.0.0.1 PORT=<port> \\
  MODEL_RATE_LIMIT=0 CACHE_ALLOWED=false|true DATA_DIR=<temp dir> bun src/index.ts   # (c)${responses ? ', (c-r)' : ''}${messages ? ', (t-m)' : ''} | (d), (e)${responses ? ', (d-r)' : ''}${messages ? ', (d-m)' : ''}
${responses ? `bun bench/fake-upstream.ts <port> ${o?.latencyMs ?? 1} --chat-only                         # (t-r)'s upstream: 404 on /v1/responses
… the same proxy-gpt command, CACHE_ALLOWED=false, with PROXY_CONFIG='upstreams: [{name: chat-only, base_url: http://127.0.0.1:<chat-only>/v1,
  provider: openai-chat, keys: [<key>]}]'                                                   # (t-r)
` : ''}${messages ? `… the same proxy-gpt command, CACHE_ALLOWED=false, with PROXY_CONFIG='upstreams: [{name: anthropic, base_url: http://127.0.0.1:<upstream>/v1,
  provider: anthropic, keys: [<key>]}]'                                                     # (c-m)
` : ''}${redis?.version ? `redis-server --port <port> --dir <temp dir> ${(redis.args ?? []).map((a) => (a === '' ? "''" : a)).join(' ')}   # ${redis.version}
… the same proxy-gpt command with REDIS_URL=redis://127.0.0.1:<redis port>                                      # (c′) | (d′), (e′)
` : ''}bun bench/portkey-loopback.mjs --port=<port> --headless                         # (f) node_modules/@portkey-ai/gateway/build/start-server.js
\`\`\`

Load (autocannon ${r.machine.versions.autocannon} through its API), the matrix's cells in one Node process (each cell's spec a line on its stdin), the rest one process each:

\`\`\`sh
node bench/load.mjs '{"mode":"serve"}'    # then, a line per cell:
  {"mode":"cannon","url":"http://127.0.0.1:<port>/v1/chat/completions","method":"POST",
  "headers":{…},"body":"{\\"model\\":\\"gpt-4o-mini\\",\\"messages\\":[…]}","connections":1|32,"durationS":${o?.durationS ?? 3},"warmupS":${o?.warmupS ?? 0.5}}${responses ? `
                                              # the Responses cells: "url":"…/v1/responses", "body":"{\\"model\\":…,\\"input\\":[…]}"` : ''}${messages ? `
                                              # the Messages cells: "url":"…/v1/messages", "headers":{"x-api-key":…,"anthropic-version":"2023-06-01"},
                                              #   "body":"{\\"model\\":…,\\"max_tokens\\":300,\\"messages\\":[…]}"` : ''}
node bench/load.mjs '{"mode":"ttfb","targets":[…],"rounds":${o?.ttfbRounds ?? 400},"warmup":20}'
node bench/load.mjs '{"mode":"unique","url":…,"bodyTemplate":"…Tell me about {n}q and {n}z…","prefix":"…",
  "warmup":2,"count":${o?.missRequests ?? 25},"expectCache":["MISS"]}'                     # the miss cells (["BYPASS"] for (c))
\`\`\`

Cache at scale and soak:

\`\`\`sh
bun bench/scale-build.ts bench/.data/scale-v${GENERATOR_VERSION} ${(r.sections.scale?.options.tiers ?? DEFAULT_TIERS).join(',')}   # once; reused (1M only with --tiers=…,1000000)
bun bench/scale-probe.ts index bench/.data/scale-v${GENERATOR_VERSION}/tier-<n> ${r.sections.scale?.options.lookups ?? 2000}
bun bench/scale-probe.ts cache bench/.data/scale-v${GENERATOR_VERSION}/tier-<n> ${r.sections.scale?.options.lookups ?? 2000}
bun bench/soak-client.ts '{"phase":"seed"|"mix",…}'    # against a proxy-gpt started as above, RSS read from /proc/<pid>/status
\`\`\`

Raw numbers of this run: \`bench/.data/results${r.quick ? '-quick' : ''}.json\` (not committed).`
}
