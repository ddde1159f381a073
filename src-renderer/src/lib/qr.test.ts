import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, qrGeometry } from './qr';

describe('qrGeometry', () => {
  it('draws exactly the dark modules of the code, inside a quiet zone', () => {
    const text = 'http://192.168.1.20:8935/';
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const qr = qrGeometry(text);
    expect(qr.size).toBe(modules.size + 2 * QUIET_ZONE);
    const drawn = new Set<string>();
    for (const m of qr.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
      const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
      expect(Number(m[4])).toBe(w);
      for (let i = 0; i < w; i++) drawn.add(`${y - QUIET_ZONE},${x + i - QUIET_ZONE}`);
    }
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) expect(drawn.has(`${row},${col}`)).toBe(modules.get(row, col) === 1);
    }
    expect(qr.path.replace(/M\d+ \d+h\d+v1h-\d+z/g, '')).toBe('');
  });
});
