// Case and accent folding shared by entity keys and quoted phrases, so that "Café" and "cafe" meet.

// ASCII, the common case, skips the normalisation.
export const stripMarks = (s: string) => (/[^\x00-\x7f]/.test(s) ? s.normalize('NFD').replace(/\p{M}+/gu, '') : s)

/** Lower-cased, accent-free, punctuation folded to single spaces and padded, so phrases match as whole words. */
export function fold(text: string): string {
  return ` ${stripMarks(text.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `
}
