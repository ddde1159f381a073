/**
 * What the fMP4 writer throws for input it cannot turn into a valid segment: a codec
 * MP4 has no sample entry for here, a sample of a track the init does not declare,
 * decode times that run backwards or overflow their 32-bit fields. The recorder catches
 * this one class, logs the reason and drops that segment; anything else is a bug.
 */
export class Fmp4WriteError extends Error {
  override name = 'Fmp4WriteError';
}

/**
 * The only error readFragmentSummary throws: the bytes are not a whole segment of the
 * shape this writer makes (truncated, a box running past its parent, counts that do
 * not fit, samples pointing outside the mdat). Crash recovery treats it as "not a
 * usable segment".
 */
export class Fmp4ParseError extends Error {
  override name = 'Fmp4ParseError';
}
