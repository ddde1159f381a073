// Planar YUV 4:2:0 pictures (I420: Y, then U, then V, each plane row after row), as the
// mixer's decoders hand them over and its encoder takes them. The compositor draws with
// these few operations; a row is copied whole wherever it can be (Buffer.copy is a
// memmove), so a 720p canvas of four inputs costs a few thousand copies a frame.

export interface Picture {
  width: number;
  height: number;
  /** width × height × 3 / 2 bytes. */
  data: Uint8Array;
}

export const pictureBytes = (width: number, height: number) => width * height + 2 * (width / 2) * (height / 2);

export function blankPicture(width: number, height: number): Picture {
  return { width, height, data: new Uint8Array(pictureBytes(width, height)) };
}

/** #rrggbb → Y′CbCr, BT.709 limited range (what players assume for HD without colour tags). */
export function hexToYuv(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => v / 255) as [number, number, number];
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const cb = (b - y) / 1.8556;
  const cr = (r - y) / 1.5748;
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  return [clamp(16 + 219 * y), clamp(128 + 224 * cb), clamp(128 + 224 * cr)];
}

export function fill(picture: Picture, [y, u, v]: readonly [number, number, number]): void {
  const luma = picture.width * picture.height;
  const chroma = luma / 4;
  picture.data.fill(y, 0, luma);
  picture.data.fill(u, luma, luma + chroma);
  picture.data.fill(v, luma + chroma, luma + 2 * chroma);
}

interface Plane {
  offset: number;
  stride: number;
  rows: number;
}

function planes(p: Picture): [Plane, Plane, Plane] {
  const luma = p.width * p.height;
  const cw = p.width / 2;
  const ch = p.height / 2;
  return [
    { offset: 0, stride: p.width, rows: p.height },
    { offset: luma, stride: cw, rows: ch },
    { offset: luma + cw * ch, stride: cw, rows: ch },
  ];
}

/**
 * Draws `src` into `dst` with its top-left corner at (x, y), scaled to `w` × `h` (nearest
 * neighbour, for the moment a box has been resized and its decoder not yet restarted at
 * the new size), clipped to `dst`. Positions and sizes are taken even, as 4:2:0 needs.
 */
export function draw(dst: Picture, src: Picture, x: number, y: number, w = src.width, h = src.height): void {
  const [bx, by, bw, bh] = [x & ~1, y & ~1, w & ~1, h & ~1];
  if (bw <= 0 || bh <= 0) return;
  const same = bw === src.width && bh === src.height;
  const dstPlanes = planes(dst);
  const srcPlanes = planes(src);
  for (let i = 0; i < 3; i++) {
    const shift = i === 0 ? 0 : 1;
    const d = dstPlanes[i]!;
    const s = srcPlanes[i]!;
    const px = bx >> shift;
    const py = by >> shift;
    const pw = bw >> shift;
    const ph = bh >> shift;
    // The part of the box inside the canvas.
    const left = Math.max(0, -px);
    const right = Math.min(pw, d.stride - px);
    const top = Math.max(0, -py);
    const bottom = Math.min(ph, d.rows - py);
    if (left >= right || top >= bottom) continue;
    if (same) {
      for (let row = top; row < bottom; row++) {
        const from = s.offset + row * s.stride;
        dst.data.set(src.data.subarray(from + left, from + right), d.offset + (py + row) * d.stride + px + left);
      }
      continue;
    }
    const columns = new Int32Array(right - left);
    for (let c = left; c < right; c++) columns[c - left] = Math.min(s.stride - 1, Math.floor((c * s.stride) / pw));
    for (let row = top; row < bottom; row++) {
      const from = s.offset + Math.min(s.rows - 1, Math.floor((row * s.rows) / ph)) * s.stride;
      const to = d.offset + (py + row) * d.stride + px;
      for (let c = left; c < right; c++) dst.data[to + c] = src.data[from + columns[c - left]!]!;
    }
  }
}
