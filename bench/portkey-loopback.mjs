// Target (f): Portkey's AI gateway (@portkey-ai/gateway, a dev dependency used only by the bench), started
// from its published entry point, build/start-server.js (`--port=<n>`, `--headless`; no host option).
//
//   bun  bench/portkey-loopback.mjs --port=<port> --headless    what the bench measures
//   node bench/portkey-loopback.mjs --port=<port> --headless    only to show that streaming breaks on Node 20
//                                                               (Portkey-AI/gateway issues #1389 and #1550)
//
// Its server listens on every interface; this wrapper only makes node:http's listen() default to 127.0.0.1
// before loading it, so the bench never opens a port beyond loopback. Plain JavaScript, so Node can run it.

import http from 'node:http'

const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1')
  }
  return listen.apply(this, args)
}

await import(new URL('../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url).href)
