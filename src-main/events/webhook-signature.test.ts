import { describe, expect, it } from 'vitest';
import { signDelivery, verifyDelivery } from './webhook-signature.js';

describe('webhook signatures', () => {
  it('verifies its own signature, and refuses another body, secret or an old timestamp', () => {
    const body = '{"type":"webhook.test"}';
    const header = signDelivery('secret-one-xxxxxxxx', body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyDelivery('secret-one-xxxxxxxx', body, header, 1_800_000_010)).toBe(true);
    expect(verifyDelivery('secret-one-xxxxxxxx', `${body} `, header, 1_800_000_010)).toBe(false);
    expect(verifyDelivery('secret-two-xxxxxxxx', body, header, 1_800_000_010)).toBe(false);
    expect(verifyDelivery('secret-one-xxxxxxxx', body, header, 1_800_001_000)).toBe(false);
    expect(verifyDelivery('secret-one-xxxxxxxx', body, 'garbage', 1_800_000_010)).toBe(false);
  });
});
