/**
 * The one error the codec parsers throw: the bytes are not a well-formed instance of
 * the structure asked for (truncated, reserved values, counts past the spec's limits).
 * Callers that read untrusted input catch this and only this.
 */
export class CodecParseError extends Error {
  override name = 'CodecParseError';
}
