// The JSON of a non-streamed answer, as every dialect's `completeAnswer` starts from it.

/**
 * The answer's parsed body when it is a JSON object (or array) without an `error`; undefined when the text is
 * not JSON or the upstream answered with an error, which is never kept.
 */
export function answerObject(text: string | undefined): any {
  let body: any
  try {
    body = JSON.parse(text ?? '')
  } catch {
    return undefined
  }
  return !body || typeof body !== 'object' || body.error ? undefined : body
}
