// A Bun macro: a page's browser code (TypeScript modules) as one script, made when Bun transpiles the file
// that calls it. Import it `with { type: 'macro' }`; the call is replaced by the script's text. So
// `bun build --compile` bakes the script into the executable, and `bun run src/index.ts` (npm start, the
// Docker image) makes it at start-up, with no build step and no file written.
//
// Bun refuses Bun.build inside a macro (the bundler would wait on itself), hence Bun's own CLI in a child
// process: about 30 ms per start under `bun run` (the status page; start to "listening" went from 275 to
// about 300 ms on a 2-core machine), nothing in the executable. Bun's HTML imports bundle faster, but serve
// the page with headers of their own (no CSP), at paths of their own (/_bun/…, /chunk-….js), and add an
// inline script outside production.

import { join } from 'node:path'

const SRC = join(import.meta.dir, '..', '..')

/**
 * `entry` is a path below src/ (`http/pages/status/main.ts`). The script is a classic one (an IIFE), so a
 * plain `<script src>` at the end of the body runs it when the page's elements exist, as an inline one did.
 */
export function bundle(entry: string): string {
  const run = Bun.spawnSync([process.execPath, 'build', join(SRC, entry), '--target=browser', '--format=iife', '--minify'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  if (run.exitCode !== 0) throw new Error(`bundling ${entry} failed: ${run.stderr.toString()}`)
  return run.stdout.toString()
}
