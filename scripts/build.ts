// Builds dist/proxy-gpt: one executable with the Bun runtime, the app, Swagger and the usearch addon inside.
//
// `bun build --compile` cannot follow usearch's own loader (node-gyp-build searches the disk at run time,
// so the binary would only work while node_modules is still there). This plugin rewrites that loader into
// a static require() of the prebuilt addon for this platform, which Bun then embeds and unpacks into
// $TMPDIR at start. Build on the platform you deploy to.

import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { BunPlugin } from 'bun'

const root = join(import.meta.dir, '..')
const outfile = process.env.BUILD_OUTFILE ?? join(root, 'dist', 'proxy-gpt')
const platform = `${process.platform}-${process.arch}`
// The addon is required from a copy that is deleted after the build: the binary then cannot quietly fall
// back to loading it from node_modules, so a binary that starts has it embedded.
const staging = join(dirname(outfile), `.addon-${process.pid}`)

const embedUsearch: BunPlugin = {
  name: 'embed-usearch-addon',
  setup(build) {
    build.onLoad({ filter: /usearch[\\/]javascript[\\/]dist[\\/]esm[\\/]usearch\.js$/ }, async ({ path }) => {
      const prebuilt = join(dirname(path), '..', '..', '..', 'prebuilds', platform, 'usearch.node')
      if (!(await Bun.file(prebuilt).exists())) throw new Error(`usearch ships no prebuilt addon for ${platform} (looked for ${prebuilt})`)
      mkdirSync(staging, { recursive: true })
      const addon = join(staging, 'usearch.node')
      copyFileSync(prebuilt, addon)
      let source = await Bun.file(path).text()
      const loader = 'const compiled = build(getBuildDir(getDirName()));'
      if (!source.includes(loader)) throw new Error('usearch changed its loader; update scripts/build.ts')
      source = source
        .replace(loader, `const compiled = require(${JSON.stringify(addon)});`)
        // The loader's own imports and its bundler hints are dead once the addon is required directly.
        .replace(/^import build from "node-gyp-build";$/m, '')
        .replace(/^import \{ getFileName, getRoot \} from "bindings";$/m, '')
        .replace(/\/\/ dummy code for ncc[\s\S]*$/, '')
      return { contents: source, loader: 'js' }
    })
  },
}

mkdirSync(dirname(outfile), { recursive: true })
const started = performance.now()
const result = await Bun.build({
  entrypoints: [join(root, 'src', 'index.ts')],
  compile: { outfile },
  minify: true,
  sourcemap: 'none',
  plugins: [embedUsearch],
}).finally(() => rmSync(staging, { recursive: true, force: true }))
if (!result.success) {
  for (const message of result.logs) console.error(message)
  process.exit(1)
}
const size = Bun.file(outfile).size
console.log(`built ${outfile} for ${platform}: ${(size / 1024 / 1024).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`)
