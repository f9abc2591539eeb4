import { describe, expect, test } from 'bun:test'
import { redactSecrets } from '../../../src/upstream/redact'

const REAL = 'sk-real-upstream-key-0123456789abcdef'
const PROXY = 'proxy-client-key-42'

describe('redactSecrets', () => {
  test("masks OpenAI's partial echo of a key", () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abc***********wxyz', [])).toBe('Incorrect API key provided: sk-***')
    expect(redactSecrets('Incorrect API key provided: sk-abc1234*****************wxyz', [REAL])).toBe(
      'Incorrect API key provided: sk-***'
    )
  })

  test('masks the exact secrets wherever they appear', () => {
    const text = `{"error":{"message":"bad key ${PROXY} / ${PROXY}; upstream ${REAL}","type":"x"}}`
    const out = redactSecrets(text, [REAL, PROXY])
    expect(out).toBe('{"error":{"message":"bad key *** / ***; upstream ***","type":"x"}}')
    expect(JSON.parse(out).error.type).toBe('x')
  })

  test('masks any sk- token, whatever the provider prefix', () => {
    expect(redactSecrets('keys: sk-ant-api03-AbCdEf_123, sk-or-v1-0123456789 and sk-abcdef', [])).toBe(
      'keys: sk-***, sk-*** and sk-***'
    )
  })

  test('leaves ordinary text alone', () => {
    const text = 'The model `gpt-4o` does not exist or you do not have access to it. task-runner, disk-123456 ok'
    expect(redactSecrets(text, [REAL, PROXY])).toBe(text)
    // Too short to be a key.
    expect(redactSecrets('use sk-123 here', [])).toBe('use sk-123 here')
    // Empty secrets are ignored rather than matching everywhere.
    expect(redactSecrets('hello', ['', PROXY])).toBe('hello')
  })

  // Guards a fixed bug: KEY_LIKE once ended on any key character, the full stop included, so the sentence's
  // full stop after the masked key was swallowed. OpenAI's real 401 text reads "...: sk-proj-***wxyz. You can find...".
  test("keeps the full stop after a masked key in OpenAI's real 401 message", () => {
    const message =
      'Incorrect API key provided: sk-proj-abc***********wxyz. You can find your API key at https://platform.openai.com/account/api-keys.'
    expect(redactSecrets(message, [])).toBe(
      'Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.'
    )
  })
})
