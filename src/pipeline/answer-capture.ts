import type { Capture, StreamFilter } from './relay'

// One capture that feeds several: the cache's pending answer and the key's usage meter both see the
// upstream's answer on its way to the client, and a filter withholds what the proxy asked for itself.

export function combineCaptures(captures: Array<Capture | undefined>, filter: StreamFilter | undefined): Capture | undefined {
  const present = captures.filter((c): c is Capture => !!c)
  if (present.length === 0) return undefined
  return {
    filter,
    chunk: (chunk) => {
      for (const capture of present) capture.chunk(chunk)
    },
    done: async (outcome, text) => {
      await Promise.all(present.map((capture) => capture.done(outcome, text)))
    },
  }
}
