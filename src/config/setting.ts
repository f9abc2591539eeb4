// One setting of the table (settings.ts, cache-settings.ts): its environment variable, default, parser and
// help, written once.

import type { Parser } from './parse'

export type Env = Record<string, string | undefined>

/** What a computed default may look at: the raw environment, and the value of any other setting. */
export interface Sources {
  env: Env
  value<U>(setting: Setting<U>): U
}

export interface Setting<T> {
  env: string
  /** Read when `env` is unset or blank, in this order. */
  aliases?: readonly string[]
  default: T | ((from: Sources) => T)
  /** The default as `--help` words it, when the value alone would not say it (computed, required, unset). */
  shown?: string | ((value: T) => string)
  help: string
  parse: Parser<T>
  /** Passed to the parser untrimmed, and only an empty value counts as unset (blank ones do for the rest). */
  verbatim?: boolean
}

export const setting = <T>(definition: Setting<T>): Setting<T> => definition
