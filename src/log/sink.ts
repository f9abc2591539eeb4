// Where the proxy's log lines go. One line per event, never a key, a prompt or a query string.

export type LogSink = (line: string) => void

/**
 * A log for failures that repeat while a condition lasts (a full disk): the first line at once, then at most
 * one per `intervalMs` for the same `kind`, saying how many were left out meanwhile.
 */
export function throttledLog(log: LogSink, intervalMs = 60_000, now: () => number = Date.now) {
  const last = new Map<string, { at: number; suppressed: number }>()
  return (kind: string, line: string) => {
    const seen = last.get(kind)
    const t = now()
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++
      return
    }
    log(seen?.suppressed ? `${line} (${seen.suppressed} more since the last such line)` : line)
    last.set(kind, { at: t, suppressed: 0 })
  }
}

/** An error's code and message for a log line (SQLite's name what failed, e.g. SQLITE_FULL). */
export function describeError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string }
  return [code, message].filter(Boolean).join(': ').slice(0, 200) || 'unknown error'
}
