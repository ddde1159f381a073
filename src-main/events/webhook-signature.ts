// The signature a webhook delivery carries: `X-Framehouse-Signature: t=<unix seconds>,v1=<hex
// HMAC-SHA256 of "<t>.<raw body>">` (the Stripe scheme): the receiver recomputes it with the
// shared secret, and refuses a t too far from its clock (a replayed delivery).
import crypto from 'node:crypto';

export const signatureHeader = 'x-framehouse-signature';

export function signDelivery(secret: string, body: string, unixSeconds: number): string {
  const mac = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Whether `header` signs `body` with `secret` within `toleranceSeconds` of `nowSeconds` (what a receiver does). */
export function verifyDelivery(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signDelivery(secret, body, t).slice(-64), 'hex');
  return crypto.timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
