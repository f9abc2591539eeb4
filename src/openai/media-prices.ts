// What images and audio calls cost where the price is not per token (OpenAI's list prices, USD): DALL·E per
// image by quality and size, Whisper per minute of audio, TTS per character. And what the token-priced media
// models use that their answers report only afterwards: the output tokens of a GPT image, by size and
// quality, and the bounds of a transcription. A dated name (`whisper-1-2024…`) takes its family's price.

/** USD per image, by `${quality} ${size}`. */
export const PER_IMAGE: Record<string, Record<string, number>> = {
  'dall-e-2': { 'standard 256x256': 0.016, 'standard 512x512': 0.018, 'standard 1024x1024': 0.02 },
  'dall-e-3': {
    'standard 1024x1024': 0.04,
    'standard 1024x1792': 0.08,
    'standard 1792x1024': 0.08,
    'hd 1024x1024': 0.08,
    'hd 1024x1792': 0.12,
    'hd 1792x1024': 0.12,
  },
}

/** USD per minute of input audio. */
export const PER_MINUTE: Record<string, number> = { 'whisper-1': 0.006 }

/** USD per million characters of speech input. */
export const PER_MILLION_CHARACTERS: Record<string, number> = { 'tts-1': 15, 'tts-1-hd': 30 }

/**
 * Output tokens of one GPT image per 1024×1024 pixels, by quality: gpt-image-1's published counts (272, 1056,
 * 4160 for a square image; its 1024×1536 ones are the same per pixel).
 */
export const IMAGE_TOKENS_PER_MEGAPIXEL: Record<string, number> = { low: 272, medium: 1056, high: 4160 }

/** Each partial image a GPT image stream sends costs this many output tokens more. */
export const PARTIAL_IMAGE_TOKENS = 100

/** The gpt-4o transcription models' context window and output limit: no transcription uses more. */
export const TRANSCRIPTION_INPUT_TOKENS = 16_000
export const TRANSCRIPTION_OUTPUT_TOKENS = 2_000
