import type { BudgetSetting } from '../config/key-settings'
import { notMetered } from '../errors'
import {
  IMAGE_TOKENS_PER_MEGAPIXEL,
  PARTIAL_IMAGE_TOKENS,
  PER_IMAGE,
  PER_MILLION_CHARACTERS,
  PER_MINUTE,
  TRANSCRIPTION_INPUT_TOKENS,
  TRANSCRIPTION_OUTPUT_TOKENS,
} from '../openai/media-prices'
import { priceOf, type PriceSource, type TokenPrice } from '../openai/prices'
import { tokensOf } from '../openai/usage'
import { tokensOfText } from './estimate'
import type { Call, Spent } from './gatekeeper'

// Images and audio calls of a key with a budget, priced before they are sent (DESIGN §1.9): the GPT image
// and gpt-4o transcription models by the tokens their answers report, DALL·E per image, Whisper per minute,
// TTS per character. One the proxy cannot price is refused, never sent unmetered. What is reserved errs high
// (every image at its size and quality's full token count, a transcription at its model's context window,
// audio at a bitrate below what speech is recorded at); what is settled is what the answer reports, or,
// when it reports nothing, the reservation.

export interface MediaRequest {
  group: 'images' | 'audio'
  /** Below the base URL, without the query string: `/images/generations`. */
  path: string
  /** The JSON body's fields, or a multipart form's text fields (numbers as strings). */
  fields: Record<string, unknown>
  /** A multipart form's files: the field each came in and its size. */
  files: Array<{ field: string; bytes: number }>
}

export interface MediaMeter {
  /** The model, and the most the call may cost: tokens for a tokens budget, `usd` for a dollar one. */
  call: Call & { usd: number }
  /** False when the cost is known before the answer (per character): it is what the call reserved. */
  readsAnswer: boolean
  /** What the call cost, from its answer (the JSON body, or the stream's event that carried the usage). */
  spent(answer: unknown): Spent
}

const IMAGE_PATHS = new Set(['/images/generations', '/images/edits', '/images/variations'])
const TRANSCRIPTION_PATHS = new Set(['/audio/transcriptions', '/audio/translations'])
const TOKEN_IMAGE_MODEL = /^(?:gpt-image-|chatgpt-image-)/
const TOKEN_TRANSCRIPTION_MODEL = /^gpt-[\w.-]*transcribe/

/** A GPT image without a size or with `auto`: priced at the largest standard one. */
const LARGEST_IMAGE_PIXELS = 1536 * 1024
const MEGAPIXEL = 1024 * 1024
/** An input image (or mask) of an edit, at high input fidelity, stays below this many tokens. */
const INPUT_IMAGE_TOKENS = 8_000
/**
 * Audio is assumed no denser than 16 kbit/s (2000 bytes a second), below the usual bitrates of speech in
 * mp3, m4a or wav, so a file's size bounds its minutes.
 */
const AUDIO_BYTES_PER_SECOND = 2_000
const PER_MESSAGE = 8

/** How `request` is priced under `budget`, or a 400 `not_metered` naming the group and the model. */
export function meterMedia(request: MediaRequest, prices: PriceSource, budget: BudgetSetting): MediaMeter {
  const { group, path, fields } = request
  const model = typeof fields.model === 'string' && fields.model !== '' ? fields.model : undefined
  if (model === undefined) throw notMetered(group, '(none)', 'name the model in the request, so its price is known before it is sent.')
  const byTokens = budget.tokens !== undefined
  const unpriced = () => notMetered(group, model, 'the proxy has no price for it (MODEL_PRICES adds token prices for models that report token usage).')
  const perUnit = (unit: string) => notMetered(group, model, `it is priced per ${unit}, and this key's budget counts tokens.`)
  const tokenPrice = () => {
    const price = prices.of(model)
    if (!price && !byTokens) throw unpriced()
    return price
  }

  if (IMAGE_PATHS.has(path)) {
    if (TOKEN_IMAGE_MODEL.test(model)) return imageTokens(model, request, tokenPrice())
    const sizes = priceOf(PER_IMAGE, model)
    if (!sizes) throw unpriced()
    if (byTokens) throw perUnit('image')
    return perImage(model, fields, sizes)
  }
  if (TRANSCRIPTION_PATHS.has(path)) {
    if (TOKEN_TRANSCRIPTION_MODEL.test(model)) return transcriptionTokens(model, tokenPrice())
    const perMinute = priceOf(PER_MINUTE, model)
    if (perMinute === undefined) throw unpriced()
    if (byTokens) throw perUnit('minute')
    return perAudioMinute(model, request.files, perMinute)
  }
  if (path === '/audio/speech') {
    const perMillion = priceOf(PER_MILLION_CHARACTERS, model)
    if (perMillion === undefined) throw notMetered(group, model, 'speech is metered per character, for the models priced so (tts-1, tts-1-hd).')
    if (byTokens) throw perUnit('character')
    const usd = ([...String(fields.input ?? '')].length * perMillion) / 1_000_000
    return { call: { model, estimate: NO_TOKENS, usd }, readsAnswer: false, spent: () => ({ ...NO_TOKENS, usd }) }
  }
  throw notMetered(group, model, `the proxy does not meter ${path}.`)
}

const NO_TOKENS = { promptTokens: 0, completionTokens: 0 }

/** GPT images: the prompt, each input image at its bound, and every output image at its full token count. */
function imageTokens(model: string, request: MediaRequest, price: TokenPrice | undefined): MediaMeter {
  const { fields, files } = request
  const text = tokensOfText(Buffer.byteLength(String(fields.prompt ?? ''))) + PER_MESSAGE
  const jsonImages = (Array.isArray(fields.images) ? fields.images.length : 0) + (fields.mask && typeof fields.mask === 'object' ? 1 : 0)
  const inputImages = files.filter((f) => f.field.startsWith('image') || f.field === 'mask').length + jsonImages
  const perImage = Math.ceil((pixelsOf(fields.size) / MEGAPIXEL) * tokensPerMegapixel(fields.quality)) + countOf(fields.partial_images, 0) * PARTIAL_IMAGE_TOKENS
  const output = imagesOf(fields) * perImage
  const estimate = { promptTokens: text + inputImages * INPUT_IMAGE_TOKENS, completionTokens: output }
  const usd = usdOf(price, text, inputImages * INPUT_IMAGE_TOKENS, output, 'image')
  return {
    call: { model, estimate, usd },
    readsAnswer: true,
    spent: (answer) => reportedTokens(answer, price, 'image') ?? { ...estimate, usd },
  }
}

/** gpt-4o transcriptions: the model's context window, all of it audio, and its whole output limit. */
function transcriptionTokens(model: string, price: TokenPrice | undefined): MediaMeter {
  const estimate = { promptTokens: TRANSCRIPTION_INPUT_TOKENS, completionTokens: TRANSCRIPTION_OUTPUT_TOKENS }
  const usd = usdOf(price, 0, TRANSCRIPTION_INPUT_TOKENS, TRANSCRIPTION_OUTPUT_TOKENS, 'audio')
  return {
    call: { model, estimate, usd },
    readsAnswer: true,
    spent: (answer) => reportedTokens(answer, price, 'audio') ?? { ...estimate, usd },
  }
}

/** DALL·E: `n` images at the price of their quality and size (an unlisted one: the model's dearest). */
function perImage(model: string, fields: Record<string, unknown>, sizes: Record<string, number>): MediaMeter {
  const unit = sizes[`${fields.quality ?? 'standard'} ${fields.size ?? '1024x1024'}`] ?? Math.max(...Object.values(sizes))
  const usd = imagesOf(fields) * unit
  return {
    call: { model, estimate: NO_TOKENS, usd },
    readsAnswer: true,
    // The images that came back: an answer lists each one it made.
    spent: (answer) => {
      const data = (answer as { data?: unknown } | undefined)?.data
      return { ...NO_TOKENS, usd: Array.isArray(data) ? data.length * unit : usd }
    },
  }
}

/** Whisper: the minutes the file can hold at most, settled to the seconds the answer reports. */
function perAudioMinute(model: string, files: MediaRequest['files'], perMinute: number): MediaMeter {
  const seconds = files.reduce((sum, file) => sum + file.bytes, 0) / AUDIO_BYTES_PER_SECOND
  const usd = (seconds / 60) * perMinute
  return {
    call: { model, estimate: NO_TOKENS, usd },
    readsAnswer: true,
    spent: (answer) => {
      const body = answer as { usage?: { type?: unknown; seconds?: unknown }; duration?: unknown } | undefined
      const reported = count(body?.usage?.type === 'duration' ? body.usage.seconds : undefined) ?? count(body?.duration)
      return { ...NO_TOKENS, usd: reported === undefined ? usd : (reported / 60) * perMinute }
    },
  }
}

/**
 * The usage an images or transcription answer reports, read as every usage is (`tokensOf`: `input_tokens`,
 * `output_tokens`, a cached part where there is one), with the image or audio part of the input detailed in
 * `input_tokens_details` for images, `input_token_details` for audio. Input not detailed is taken as image
 * or audio, the dearer kind.
 */
function reportedTokens(answer: unknown, price: TokenPrice | undefined, kind: 'image' | 'audio'): Spent | undefined {
  const usage = (answer as { usage?: Record<string, unknown> } | undefined)?.usage
  const tokens = tokensOf(usage, 'openai')
  if (!usage || !tokens) return undefined
  const { promptTokens: input, completionTokens: output } = tokens
  const details = (usage.input_tokens_details ?? usage.input_token_details) as Record<string, unknown> | undefined
  const media = count(details?.[`${kind}_tokens`])
  const text = count(details?.text_tokens) ?? (media === undefined ? 0 : Math.max(0, input - media))
  return { ...tokens, usd: usdOf(price, text, input - text, output, kind) }
}

function usdOf(price: TokenPrice | undefined, text: number, media: number, output: number, kind: 'image' | 'audio'): number {
  if (!price) return 0
  const mediaPrice = (kind === 'image' ? price.image_input : price.audio_input) ?? price.input
  // An image model's output is images: at their own price where the catalogue sets one (gpt-image-1.5).
  const outputPrice = (kind === 'image' ? price.image_output : undefined) ?? price.output
  return (text * price.input + media * mediaPrice + output * outputPrice) / 1_000_000
}

const count = (value: unknown) => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined
}

/** A count field (`n`, `partial_images`), a number in JSON and a string in a form. */
const countOf = (value: unknown, fallback: number) => {
  const n = count(value)
  return n === undefined ? fallback : Math.ceil(n)
}

/** The images asked for: `n`, at least one. */
const imagesOf = (fields: Record<string, unknown>) => Math.max(1, countOf(fields.n, 1))

/** `WIDTHxHEIGHT`, or the largest standard size for `auto`, none, or anything else. */
function pixelsOf(size: unknown): number {
  const match = typeof size === 'string' ? /^(\d{1,5})x(\d{1,5})$/.exec(size) : null
  return match ? Number(match[1]) * Number(match[2]) : LARGEST_IMAGE_PIXELS
}

/** `auto` (or none) may choose high; a quality not listed (a newer model's) is taken at twice high. */
function tokensPerMegapixel(quality: unknown): number {
  if (quality === undefined || quality === null || quality === 'auto') return IMAGE_TOKENS_PER_MEGAPIXEL.high!
  return (typeof quality === 'string' && Object.hasOwn(IMAGE_TOKENS_PER_MEGAPIXEL, quality) ? IMAGE_TOKENS_PER_MEGAPIXEL[quality] : undefined) ?? 2 * IMAGE_TOKENS_PER_MEGAPIXEL.high!
}
