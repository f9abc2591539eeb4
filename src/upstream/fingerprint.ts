import { createHash } from 'node:crypto'

/** How an upstream key is named anywhere it shows (logs, /stats, metrics): a short hash, never its characters. */
export const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8)
