// OpenAI's 401 echoes part of the key it was given ("Incorrect API key provided: sk-proj-***abcd"). Upstream
// error bodies pass through to clients, so key-like strings are masked first.

// Dots may sit inside a key but not end one, so the sentence's full stop survives.
const KEY_LIKE = /\bsk-[A-Za-z0-9_*.-]{5,}[A-Za-z0-9_*-]/g

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret) out = out.replaceAll(secret, '***')
  return out.replace(KEY_LIKE, 'sk-***')
}
