// Target (b): the least a forwarding proxy can do on this runtime — Bun.serve, swap the key, fetch the
// upstream, hand its body back as it arrives. No parsing, validation, logging or cache: the floor that
// proxy-gpt's own overhead is measured against.
//
//   bun bench/floor-forwarder.ts <port> <upstream base URL, e.g. http://127.0.0.1:4000> <upstream key>

const [port, upstream, key] = process.argv.slice(2)

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(port),
  idleTimeout: 0,
  async fetch(request) {
    const url = new URL(request.url)
    const headers = new Headers(request.headers)
    headers.set('authorization', `Bearer ${key}`)
    headers.delete('host')
    const response = await fetch(upstream + url.pathname + url.search, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
    })
    const out = new Headers(response.headers)
    out.delete('content-length') // Bun re-frames (and may decompress) the body
    out.delete('content-encoding')
    return new Response(response.body, { status: response.status, headers: out })
  },
})

process.stdin.on('end', () => process.exit(0)).resume()
