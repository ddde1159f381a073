// A QR code as one SVG path: a unit square per dark module, merged along rows so
// the path stays short. Drawn by React as an inline <svg>, so the UI's CSP
// (no inline scripts, images only from 'self' and data:) has nothing to object to.
import QRCode from 'qrcode';

export interface QrGeometry {
  /** Modules per side, quiet zone included. */
  size: number;
  /** "M x y h w v1 h-w z" per run of dark modules. */
  path: string;
}

/** Four modules of light margin all round, as the QR standard asks so scanners find the code. */
export const QUIET_ZONE = 4;

export function qrGeometry(text: string): QrGeometry {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      const width = col - start;
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${width}v1h-${width}z`);
    }
  }
  return { size: n + QUIET_ZONE * 2, path: parts.join('') };
}
