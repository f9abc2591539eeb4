import { expect, test } from 'bun:test'
import { prices } from '../../../src/config/parse'

// MODEL_PRICES (DESIGN §1.9): USD per million tokens, `input` and `output`, and for the image and
// transcription models that report it, the price of their image or audio input.

test('image_input and audio_input are optional prices; anything but a number ≥ 0 there is refused', () => {
  const ok = prices.parse('{"gpt-image-x":{"input":5,"image_input":8,"output":32},"stt":{"input":1,"audio_input":3,"output":5},"m":{"input":1,"output":2}}', 'MODEL_PRICES')
  expect(ok).toEqual({ value: expect.objectContaining({ 'gpt-image-x': { input: 5, image_input: 8, output: 32 } }) })
  for (const bad of ['{"m":{"input":1,"output":2,"image_input":"8"}}', '{"m":{"input":1,"output":2,"audio_input":-1}}', '{"m":{"input":1}}']) {
    expect(prices.parse(bad, 'MODEL_PRICES')).toHaveProperty('problem')
  }
})

test('cached_input and cache_write are optional prices, kept as given; a missing one stays missing (it means the input price)', () => {
  const parsed = prices.parse('{"deepseek-chat":{"input":0.27,"cached_input":0.07,"output":1.1},"claude-sonnet-4-5":{"input":3,"cached_input":0.3,"cache_write":3.75,"output":15},"m":{"input":1,"output":2}}', 'MODEL_PRICES')
  expect(parsed).toEqual({
    value: {
      'deepseek-chat': { input: 0.27, cached_input: 0.07, output: 1.1 },
      'claude-sonnet-4-5': { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 },
      m: { input: 1, output: 2 },
    },
  })
  for (const bad of ['{"m":{"input":1,"output":2,"cached_input":"0.5"}}', '{"m":{"input":1,"output":2,"cache_write":-1}}', '{"m":{"input":1,"output":2,"cached_input":null}}']) {
    expect(prices.parse(bad, 'MODEL_PRICES')).toHaveProperty('problem')
  }
})

test('a field it does not know is refused: a misspelt cached_input would price cached tokens as input without a word', () => {
  const refused = prices.parse('{"m":{"input":1,"output":2,"cache_input":0.5}}', 'MODEL_PRICES')
  expect(refused).toHaveProperty('problem')
  expect((refused as { problem: string }).problem).toContain('cached_input')
  for (const bad of ['[]', '{"m":[1,2]}', '{"m":null}', 'not json']) expect(prices.parse(bad, 'MODEL_PRICES')).toHaveProperty('problem')
})
