import crypto from 'node:crypto';

/**
 * Whether two secrets (tokens, keys, passwords) are equal, in constant time, so a
 * secret cannot be guessed one character at a time. Hashing first makes the lengths equal.
 */
export function sameSecret(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}
