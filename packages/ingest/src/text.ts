// Text from uploads that ends up in titles, lists and terminals. Its own module (export "./text") so the CLI can
// use it without loading the queue and database code.

/**
 * C0 and C1 controls (escape sequences, carriage returns), and the bidirectional marks, embeddings, overrides and
 * isolates that make text display in another order than it reads (U+061C, U+200E-F, U+202A-E, U+2066-9), plus the
 * line and paragraph separators.
 */
export const UNSAFE_CHARS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/**
 * Text from uploads (file names, sidecar titles and tags) that becomes titles shown in terminals and pages: each
 * control or bidi character becomes U+FFFD, so nothing reaches a terminal as a command and the name still shows
 * that something was there. `multiline` keeps newlines and tabs (descriptions).
 */
export function cleanText(text: string, opts: { multiline?: boolean } = {}): string {
  return text.replace(UNSAFE_CHARS, (c) => (opts.multiline && (c === "\n" || c === "\t") ? c : "\ufffd"));
}
