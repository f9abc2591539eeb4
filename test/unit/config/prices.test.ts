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
