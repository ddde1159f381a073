import { describe, expect, it } from 'vitest';
import { AmfError, decodeAmf0, encodeAmf0 } from './amf0.js';

describe('AMF0', () => {
  it('round-trips the values RTMP commands use', () => {
    const values = ['connect', 1, { app: 'live', tcUrl: 'rtmp://h/live', nested: { a: [1, 'x', null], ok: true } }, null, undefined];
    expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
  });

  it('decodes an ECMA array (onMetaData) and a hand-built connect command', () => {
    // "onMetaData", ECMA array { width: 1280 }
    const bytes = Uint8Array.from([
      0x02, 0x00, 0x0a, ...Buffer.from('onMetaData'),
      0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, ...Buffer.from('width'), 0x00, 0x40, 0x94, 0x00, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09,
    ]);
    expect(decodeAmf0(bytes)).toEqual(['onMetaData', { width: 1280 }]);
  });

  it.each([
    ['an unknown marker', [0x42]],
    ['a string running past the end', [0x02, 0x00, 0x10, 0x61]],
    ['a truncated number', [0x00, 0x40, 0x94]],
    ['an AMF3 switch', [0x11, 0x01]],
    ['a reference', [0x07, 0x00, 0x01]],
    ['an empty key without the end marker', [0x03, 0x00, 0x00, 0x05]],
  ])('refuses %s with an AmfError', (_what, bytes) => {
    expect(() => decodeAmf0(Uint8Array.from(bytes))).toThrow(AmfError);
  });

  it('bounds nesting depth and entry counts', () => {
    const deep = new Uint8Array(64).fill(0x0a); // strict arrays inside strict arrays…
    const nested: number[] = [];
    for (let i = 0; i < 40; i++) nested.push(0x0a, 0, 0, 0, 1);
    expect(() => decodeAmf0(Uint8Array.from(nested))).toThrow(/too deeply|past the end/);
    expect(() => decodeAmf0(deep)).toThrow(AmfError);
    expect(() => decodeAmf0(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff]))).toThrow(/too long/);
  });

  it('keeps a "__proto__" key as data', () => {
    const decoded = decodeAmf0(encodeAmf0({ ['__proto__']: 'x' } as never))[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('only ever throws AmfError on random input (fuzz)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sample = encodeAmf0('connect', 1, { app: 'live', flashVer: 'FMLE/3.0', list: [1, 2, 'three'], when: new Date(0) });
    for (let i = 0; i < 3000; i++) {
      const bytes = sample.slice(0, Math.floor(rand() * (sample.length + 1)));
      for (let k = 0; k < 3; k++) if (bytes.length) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        decodeAmf0(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(AmfError);
      }
    }
  });
});
