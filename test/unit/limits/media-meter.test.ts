import { describe, expect, test } from 'bun:test'
import type { BudgetSetting } from '../../../src/config/key-settings'
import { ApiError } from '../../../src/errors'
import { Gatekeeper } from '../../../src/limits/gatekeeper'
import { meterMedia, type MediaRequest } from '../../../src/limits/media-meter'
import { periodOf } from '../../../src/limits/periods'
import { CATALOGUE_PRICES, Prices, type PriceSource } from '../../../src/openai/prices'
import { MemoryBudgets } from '../../../src/state/memory/budgets'
import { MemoryRateLimits } from '../../../src/state/memory/rate-limits'
import { MemoryUsage } from '../../../src/state/memory/usage'
import type { BudgetStore } from '../../../src/state/types'

// Images and audio priced before they are sent (DESIGN §1.9): what is reserved is never less than what the
// answer can report for the same request, what is settled is what it reports, and what cannot be priced is
// refused with 400 not_metered.

const USD: BudgetSetting = { usd: 5, per: 'day' }
const TOKENS: BudgetSetting = { tokens: 100_000, per: 'day' }
const images = (fields: Record<string, unknown>, files: MediaRequest['files'] = [], path = '/images/generations'): MediaRequest => ({ group: 'images', path, fields, files })
const audio = (path: string, fields: Record<string, unknown>, files: MediaRequest['files'] = []): MediaRequest => ({ group: 'audio', path, fields, files })
const meter = (request: MediaRequest, budget = USD, prices: PriceSource = CATALOGUE_PRICES) => meterMedia(request, prices, budget)

function refusal(request: MediaRequest, budget = USD, prices: PriceSource = CATALOGUE_PRICES): ApiError {
  try {
    meter(request, budget, prices)
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected a refusal, the call was priced')
}

describe('GPT images, by tokens', () => {
  // gpt-image-1's published output tokens per image.
  const published: Array<[quality: string, size: string, tokens: number]> = [
    ['low', '1024x1024', 272],
    ['low', '1024x1536', 408],
    ['low', '1536x1024', 400],
    ['medium', '1024x1024', 1056],
    ['medium', '1024x1536', 1584],
    ['medium', '1536x1024', 1568],
    ['high', '1024x1024', 4160],
    ['high', '1024x1536', 6240],
    ['high', '1536x1024', 6208],
  ]
  test.each(published)('%s %s reserves at least its published %d output tokens an image', (quality, size, tokens) => {
    const { call } = meter(images({ model: 'gpt-image-1', prompt: 'x', quality, size, n: 3 }))
    expect(call.estimate.completionTokens).toBeGreaterThanOrEqual(3 * tokens)
    expect(call.estimate.completionTokens).toBeLessThan(3 * tokens * 1.05)
  })

  test('no size or quality (or auto): the largest standard size at high quality; each partial image 100 tokens more', () => {
    expect(meter(images({ model: 'gpt-image-1', prompt: 'x' })).call.estimate.completionTokens).toBe(6240)
    expect(meter(images({ model: 'gpt-image-1', prompt: 'x', size: 'auto', quality: 'auto', partial_images: 2 })).call.estimate.completionTokens).toBe(6440)
  })

  test('a form’s fields are strings: n=“2” is two images; input images and the mask are each reserved', () => {
    const { call } = meter(images({ model: 'gpt-image-1', prompt: 'x', n: '2', quality: 'low', size: '1024x1024' }, [{ field: 'image[]', bytes: 10 }, { field: 'image[]', bytes: 10 }, { field: 'mask', bytes: 5 }], '/images/edits'))
    expect(call.estimate.completionTokens).toBe(2 * 272)
    expect(call.estimate.promptTokens).toBeGreaterThanOrEqual(3 * 8000)
    // Text at $5, image input at $10, output at $40 per million.
    expect(call.usd).toBeCloseTo((call.estimate.promptTokens - 3 * 8000) * 5e-6 + 3 * 8000 * 10e-6 + 2 * 272 * 40e-6, 9)
  })

  test('settled to the usage reported: text, image input and output each at their price', () => {
    const { spent } = meter(images({ model: 'gpt-image-1', prompt: 'x' }))
    const usage = { input_tokens: 350, input_tokens_details: { text_tokens: 50, image_tokens: 300 }, output_tokens: 1056, total_tokens: 1406 }
    expect(spent({ data: [{}], usage })).toEqual({ promptTokens: 350, completionTokens: 1056, usd: (50 * 5 + 300 * 10 + 1056 * 40) / 1e6 })
    // Input without details is taken as image input, the dearer kind.
    expect(spent({ usage: { input_tokens: 100, output_tokens: 10 } }).usd).toBeCloseTo((100 * 10 + 10 * 40) / 1e6, 12)
    // No usage at all: the reservation.
    expect(spent({ data: [] })).toEqual({ ...meter(images({ model: 'gpt-image-1', prompt: 'x' })).call.estimate, usd: meter(images({ model: 'gpt-image-1', prompt: 'x' })).call.usd })
  })

  test('MODEL_PRICES without an image_input price charges image input as input', () => {
    const prices = new Prices({ 'gpt-image-1': { input: 1, output: 2 } })
    const { spent } = meter(images({ model: 'gpt-image-1', prompt: 'x' }), USD, prices)
    expect(spent({ usage: { input_tokens: 300, input_tokens_details: { text_tokens: 100, image_tokens: 200 }, output_tokens: 1000 } }).usd).toBeCloseTo((300 * 1 + 1000 * 2) / 1e6, 12)
  })

  test('image output at its own price where one is set (the catalogue’s gpt-image-1.5), else at the output price', () => {
    const prices = new Prices({ 'gpt-image-x': { input: 5, image_input: 8, output: 10, image_output: 32 } })
    const usage = { input_tokens: 300, input_tokens_details: { text_tokens: 100, image_tokens: 200 }, output_tokens: 1000 }
    expect(meter(images({ model: 'gpt-image-x', prompt: 'x' }), USD, prices).spent({ usage }).usd).toBeCloseTo((100 * 5 + 200 * 8 + 1000 * 32) / 1e6, 12)
    const listed = CATALOGUE_PRICES.of('gpt-image-1.5')!
    expect(listed.image_output).toBeGreaterThan(listed.output)
    expect(meter(images({ model: 'gpt-image-1.5', prompt: 'x' })).spent({ usage }).usd).toBeCloseTo((100 * listed.input + 200 * listed.image_input! + 1000 * listed.image_output!) / 1e6, 12)
  })

  test('a dated name takes its family’s price; an unpriced GPT image model is refused under dollars, counted under tokens', () => {
    expect(meter(images({ model: 'gpt-image-1-2025-04-15', prompt: 'x' })).call.usd).toBeGreaterThan(0)
    const error = refusal(images({ model: 'gpt-image-9', prompt: 'x' }))
    expect([error.status, error.code, error.param]).toEqual([400, 'not_metered', 'model'])
    expect(error.message).toContain("images call with the model 'gpt-image-9'")
    expect(meter(images({ model: 'gpt-image-9', prompt: 'x' }), TOKENS).call.estimate.completionTokens).toBe(6240)
  })
})

describe('DALL·E, per image', () => {
  test('n images at the price of their quality and size; an unlisted size at the model’s dearest', () => {
    expect(meter(images({ model: 'dall-e-3', prompt: 'x' })).call.usd).toBeCloseTo(0.04, 12)
    expect(meter(images({ model: 'dall-e-3', prompt: 'x', quality: 'hd', size: '1792x1024', n: 2 })).call.usd).toBeCloseTo(0.24, 12)
    expect(meter(images({ model: 'dall-e-2', prompt: 'x', size: '256x256', n: '4' }, [], '/images/generations')).call.usd).toBeCloseTo(0.064, 12)
    expect(meter(images({ model: 'dall-e-2', n: 1, size: '640x480' }, [{ field: 'image', bytes: 1 }], '/images/variations')).call.usd).toBeCloseTo(0.02, 12)
  })

  test('settled to the images the answer lists', () => {
    const { spent } = meter(images({ model: 'dall-e-2', prompt: 'x', n: 3 }))
    expect(spent({ data: [{ url: 'a' }, { url: 'b' }] }).usd).toBeCloseTo(0.04, 12)
    expect(spent(undefined).usd).toBeCloseTo(0.06, 12)
  })

  test('under a tokens budget: refused, as it counts no tokens', () => {
    const error = refusal(images({ model: 'dall-e-3', prompt: 'x' }), TOKENS)
    expect(error.code).toBe('not_metered')
    expect(error.message).toContain('per image')
  })
})

describe('audio', () => {
  test('gpt-4o transcription: reserved at its context window and output limit, settled to the usage (audio input at its price)', () => {
    const { call, spent } = meter(audio('/audio/transcriptions', { model: 'gpt-4o-mini-transcribe' }, [{ field: 'file', bytes: 1e6 }]))
    expect(call.estimate).toEqual({ promptTokens: 16_000, completionTokens: 2_000 })
    expect(call.usd).toBeCloseTo((16_000 * 3 + 2_000 * 5) / 1e6, 12)
    const usage = { type: 'tokens', input_tokens: 140, input_token_details: { text_tokens: 20, audio_tokens: 120 }, output_tokens: 30, total_tokens: 170 }
    expect(spent({ text: 'hi', usage })).toEqual({ promptTokens: 140, completionTokens: 30, usd: (20 * 1.25 + 120 * 3 + 30 * 5) / 1e6 })
  })

  test('whisper-1: the minutes the file can hold at 16 kbit/s, settled to the seconds reported (usage or verbose duration)', () => {
    const { call, spent } = meter(audio('/audio/translations', { model: 'whisper-1' }, [{ field: 'file', bytes: 240_000 }]))
    expect(call.usd).toBeCloseTo(0.012, 12) // 120 s
    expect(call.estimate).toEqual({ promptTokens: 0, completionTokens: 0 })
    expect(spent({ text: 'x', usage: { type: 'duration', seconds: 30 } }).usd).toBeCloseTo(0.003, 12)
    expect(spent({ text: 'x', duration: 6 }).usd).toBeCloseTo(0.0006, 12)
    expect(spent(undefined).usd).toBeCloseTo(0.012, 12)
  })

  test('tts-1: per character, known before the answer', () => {
    const speech = meter(audio('/audio/speech', { model: 'tts-1-hd', input: 'héllo 世界' }))
    expect(speech.readsAnswer).toBe(false)
    expect(speech.call.usd).toBeCloseTo((8 * 30) / 1e6, 12)
    expect(speech.spent(undefined).usd).toBe(speech.call.usd)
  })

  test('what cannot be priced is refused, naming the group and the model', () => {
    for (const request of [
      audio('/audio/speech', { model: 'gpt-4o-mini-tts', input: 'x' }),
      audio('/audio/transcriptions', { model: 'some-stt' }),
      audio('/audio/voices', { model: 'tts-1' }),
      audio('/audio/transcriptions', {}),
    ]) {
      const error = refusal(request)
      expect([error.status, error.type, error.code]).toEqual([400, 'invalid_request_error', 'not_metered'])
      expect(error.message).toContain(`audio call with the model '${typeof request.fields.model === 'string' ? request.fields.model : '(none)'}'`)
    }
    expect(refusal(audio('/audio/transcriptions', { model: 'whisper-1' }), TOKENS).message).toContain('per minute')
  })
})

describe('the gatekeeper with a priced call', () => {
  const key = (budget?: BudgetSetting) => ({
    name: 'alice',
    id: 'name:alice',
    hash: 'alice',
    account: 'alice',
    metered: true,
    rateLimit: 0,
    maxOutputTokens: 0,
    cacheGroup: 'private:alice',
    allow: () => true,
    budget,
  })
  const setup = () => {
    const budgets = new MemoryBudgets()
    let reservations = 0
    const counting: BudgetStore = {
      reserve: (...args) => {
        reservations++
        return budgets.reserve(...args)
      },
      settle: (...args) => budgets.settle(...args),
      release: (...args) => budgets.release(...args),
      spend: (...args) => budgets.spend(...args),
      spent: (...args) => budgets.spent(...args),
      reset: (key) => budgets.reset(key),
    }
    const usage = new MemoryUsage()
    const gate = new Gatekeeper({ rateLimits: new MemoryRateLimits(), budgets: counting, usage, prices: CATALOGUE_PRICES })
    return { gate, budgets, usage, reservations: () => reservations }
  }

  test('a dollar budget reserves the call’s usd and settles to the spent usd, counted in the usage', async () => {
    const { gate, budgets, usage } = setup()
    const admission = await gate.admit(key(USD), { model: 'dall-e-3', estimate: { promptTokens: 0, completionTokens: 0 }, usd: 0.08 })
    const period = periodOf('day', Date.now()).id
    expect(await budgets.spent('alice', period)).toEqual({ spent: 0, reserved: 0.08 })
    await admission.settle({ promptTokens: 0, completionTokens: 0, usd: 0.04 })
    expect(await budgets.spent('alice', period)).toEqual({ spent: 0.04, reserved: 0 })
    expect((await usage.rows('alice', '2000-01-01', '2999-12-31')).map((r) => [r.model, r.costUsd])).toEqual([['dall-e-3', 0.04]])
  })

  test('a call with nothing to price (a file upload) reserves nothing, so nothing is left to settle or release', async () => {
    const { gate, reservations } = setup()
    await gate.admit(key(USD))
    await gate.admit(key(TOKENS))
    expect(reservations()).toBe(0)
  })
})
