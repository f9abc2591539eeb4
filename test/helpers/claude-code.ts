// The Claude Code CLI (`claude -p`) run against a local base URL, offline: for the end-to-end tests of the
// Messages dialect. The CLI is a native binary of ~250 MB (npm `@anthropic-ai/claude-code`, whose postinstall
// links the platform's binary), so it is not a devDependency: install it beside the project with
//   npm install --prefix /tmp/claude-code @anthropic-ai/claude-code
// and name it in CLAUDE_CODE_BIN (or have `claude` on PATH). Where it is missing its tests skip and say why,
// except under REQUIRE_CLAUDE_CODE=1, where a missing CLI fails them.
//
// What it does, seen here against the fake Anthropic upstream (2.1.197): a `HEAD /` first (any answer will
// do), then `POST /v1/messages?beta=true`, streamed, with `x-api-key` (or `Authorization: Bearer` for
// ANTHROPIC_AUTH_TOKEN), `anthropic-version: 2023-06-01`, `anthropic-beta` naming eight betas, and a body of
// max_tokens 64000 (32000 for a model it does not know), `thinking: {type: "adaptive"}`, three system blocks
// with cache_control, 24 tools, and a `system` message after the user's. A 401 is retried for minutes unless
// CLAUDE_CODE_MAX_RETRIES says otherwise; `-p` never calls count_tokens.

import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The CLI: CLAUDE_CODE_BIN, else `claude` on PATH; undefined when neither is there. */
export function claudeCodeBin(): string | undefined {
  const named = process.env.CLAUDE_CODE_BIN
  if (named) {
    try {
      accessSync(named, constants.X_OK)
      return named
    } catch {
      return undefined
    }
  }
  return Bun.which('claude') ?? undefined
}

/** Why the Claude Code tests skip here, or undefined when they run. */
export const claudeCodeSkipReason = claudeCodeBin()
  ? undefined
  : 'Claude Code is not installed (npm install --prefix /tmp/claude-code @anthropic-ai/claude-code; CLAUDE_CODE_BIN=…/node_modules/.bin/claude): its tests are skipped'
if (claudeCodeSkipReason && process.env.REQUIRE_CLAUDE_CODE === '1') throw new Error(`REQUIRE_CLAUDE_CODE=1 but ${claudeCodeSkipReason}`)
if (claudeCodeSkipReason) console.warn(`[claude-code] ${claudeCodeSkipReason}`)

export interface ClaudeCodeRun {
  /** The proxy's root (or an upstream's): Claude Code adds `/v1/messages` itself. */
  baseUrl: string
  prompt: string
  /** Sent as `x-api-key` (ANTHROPIC_API_KEY). */
  apiKey?: string
  /** Sent as `Authorization: Bearer` (ANTHROPIC_AUTH_TOKEN) instead of the API key. */
  authToken?: string
  model?: string
  /** More arguments (`--max-turns`, …) and environment (`CLAUDE_CODE_MAX_RETRIES`, …). */
  args?: string[]
  env?: Record<string, string>
  timeoutMs?: number
}

export interface ClaudeCodeResult {
  exitCode: number
  stdout: string
  stderr: string
  /** The `--output-format json` result: `result` (the answer's text), `is_error`, `usage`, `total_cost_usd`, … */
  json: any
}

/**
 * `claude -p <prompt> --output-format json` with a fresh HOME and working folder (removed after), telemetry,
 * auto-update and every other call home turned off, and no retries (a refused key fails at once).
 */
export async function runClaudeCode(run: ClaudeCodeRun): Promise<ClaudeCodeResult> {
  const bin = claudeCodeBin()
  if (!bin) throw new Error('Claude Code not found: npm install --prefix /tmp/claude-code @anthropic-ai/claude-code, then set CLAUDE_CODE_BIN')
  const home = mkdtempSync(join(tmpdir(), 'proxy-gpt-claude-code-'))
  try {
    const child = Bun.spawn([bin, '-p', run.prompt, '--output-format', 'json', ...(run.model ? ['--model', run.model] : []), ...(run.args ?? [])], {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        ANTHROPIC_BASE_URL: run.baseUrl,
        ...(run.authToken ? { ANTHROPIC_AUTH_TOKEN: run.authToken } : { ANTHROPIC_API_KEY: run.apiKey ?? '' }),
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_MAX_RETRIES: '0',
        ...run.env,
      },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const timer = setTimeout(() => child.kill(), run.timeoutMs ?? 60_000)
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    clearTimeout(timer)
    let json: any
    try {
      json = JSON.parse(stdout)
    } catch {}
    return { exitCode, stdout, stderr, json }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}
