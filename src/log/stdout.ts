import type { LogSink } from './sink'

/**
 * The production log sink: lines are buffered and written to stdout every 100 ms (or as the buffer fills),
 * instead of one write per request, which measurably cost throughput under load. The buffer is flushed on
 * exit; a kill -9 can lose the last tenth of a second of log lines, nothing else.
 */
export function stdoutLog(): LogSink & { flush(): Promise<unknown> } {
  const writer = Bun.stdout.writer({ highWaterMark: 64 * 1024 })
  const flush = async () => writer.flush()
  const timer = setInterval(flush, 100)
  timer.unref?.()
  process.on('exit', () => void writer.flush())
  return Object.assign((line: string) => void writer.write(`${line}\n`), { flush })
}
