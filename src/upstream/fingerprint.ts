
/** How an upstream key is named anywhere it shows (logs, /stats, metrics): a short hash, never its characters. */
export const fingerprint = (key: string) => (Bun.SHA256.hash(key, 'hex') as string).slice(0, 8)
