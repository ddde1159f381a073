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

/** How a box is drawn: how opaque (0–1) and how round its corners (pixels). */
export interface Shape {
  opacity: number;
  radius: number;
}

const solid: Shape = { opacity: 1, radius: 0 };

/**
 * The columns a rounded box leaves out at each end of row `row` of `rows`, for corners of
 * `radius`: the circle's inset at the row's middle, so the edge is the same on every side.
 */
function cornerInset(row: number, rows: number, radius: number): number {
  if (radius <= 0) return 0;
  const fromEdge = row < radius ? row : rows - 1 - row;
  if (fromEdge >= radius) return 0;
  const dy = radius - fromEdge - 0.5;
  return Math.round(radius - Math.sqrt(radius * radius - dy * dy));
}

/**
 * Walks the rows of a w × h box at (x, y) in each plane of `dst`, clipped to it and to the
 * shape's corners: `row(plane, boxRow, from, to, at)` gets the box row, the box columns
 * [from, to) to paint, and the offset in dst.data of column 0 of that row. Positions and
 * sizes are taken even, as 4:2:0 needs.
 */
function eachRow(dst: Picture, x: number, y: number, w: number, h: number, radius: number, row: (plane: number, shift: number, boxRow: number, from: number, to: number, at: number) => void): void {
  const [bx, by, bw, bh] = [x & ~1, y & ~1, w & ~1, h & ~1];
  if (bw <= 0 || bh <= 0) return;
  const dstPlanes = planes(dst);
  for (let i = 0; i < 3; i++) {
    const shift = i === 0 ? 0 : 1;
    const d = dstPlanes[i]!;
    const px = bx >> shift;
    const py = by >> shift;
    const pw = bw >> shift;
    const ph = bh >> shift;
    const r = Math.min(radius >> shift, pw >> 1, ph >> 1);
    const left = Math.max(0, -px);
    const right = Math.min(pw, d.stride - px);
    const top = Math.max(0, -py);
    const bottom = Math.min(ph, d.rows - py);
    if (left >= right || top >= bottom) continue;
    for (let boxRow = top; boxRow < bottom; boxRow++) {
      const inset = cornerInset(boxRow, ph, r);
      const from = Math.max(left, inset);
      const to = Math.min(right, pw - inset);
      if (from < to) row(i, shift, boxRow, from, to, d.offset + (py + boxRow) * d.stride + px);
    }
  }
}

/** Paints a w × h box at (x, y) in one colour, in the shape's opacity and corners. */
export function fillBox(dst: Picture, colour: readonly [number, number, number], x: number, y: number, w: number, h: number, shape: Shape = solid): void {
  const a = Math.round(Math.max(0, Math.min(1, shape.opacity)) * 256);
  if (a === 0) return;
  eachRow(dst, x, y, w, h, shape.radius, (plane, _shift, _row, from, to, at) => {
    const value = colour[plane]!;
    if (a >= 256) {
      dst.data.fill(value, at + from, at + to);
      return;
    }
    for (let c = at + from; c < at + to; c++) dst.data[c] = dst.data[c]! + (((value - dst.data[c]!) * a) >> 8);
  });
}

/**
 * Draws `src` into `dst` with its top-left corner at (x, y), scaled to `w` × `h` (nearest
 * neighbour, for the moment a box has been resized and its decoder not yet restarted at
 * the new size), clipped to `dst`, in the shape's opacity and corners. A row is copied
 * whole where it can be (an opaque picture of the box's size).
 */
export function draw(dst: Picture, src: Picture, x: number, y: number, w = src.width, h = src.height, shape: Shape = solid): void {
  const a = Math.round(Math.max(0, Math.min(1, shape.opacity)) * 256);
  if (a === 0) return;
  const bw = w & ~1;
  const bh = h & ~1;
  const same = bw === src.width && bh === src.height;
  const srcPlanes = planes(src);
  let columns: Int32Array | null = null;
  let columnsFor = -1;
  eachRow(dst, x, y, w, h, shape.radius, (plane, shift, boxRow, from, to, at) => {
    const s = srcPlanes[plane]!;
    const pw = bw >> shift;
    const ph = bh >> shift;
    const srcRow = s.offset + (same ? boxRow : Math.min(s.rows - 1, Math.floor((boxRow * s.rows) / ph))) * s.stride;
    if (same && a >= 256) {
      dst.data.set(src.data.subarray(srcRow + from, srcRow + to), at + from);
      return;
    }
    if (!same && columnsFor !== plane) {
      columns = new Int32Array(pw);
      for (let c = 0; c < pw; c++) columns[c] = Math.min(s.stride - 1, Math.floor((c * s.stride) / pw));
      columnsFor = plane;
    }
    for (let c = from; c < to; c++) {
      const value = src.data[srcRow + (same ? c : columns![c]!)]!;
      dst.data[at + c] = a >= 256 ? value : dst.data[at + c]! + (((value - dst.data[at + c]!) * a) >> 8);
    }
  });
}

/** SMPTE's 75% bars in #rrggbb: the "no signal" slate. */
const barColours = ['#bfbfbf', '#bfbf00', '#00bfbf', '#00bf00', '#bf00bf', '#bf0000', '#0000bf'].map(hexToYuv);

/** A w × h picture of colour bars, what broadcast shows for a source without signal. */
export function colourBars(width: number, height: number): Picture {
  const picture = blankPicture(width, height);
  const bars = barColours.length;
  for (let i = 0; i < bars; i++) {
    const from = Math.floor((i * width) / bars) & ~1;
    const to = i === bars - 1 ? width : Math.floor(((i + 1) * width) / bars) & ~1;
    fillBox(picture, barColours[i]!, from, 0, to - from, height);
  }
  return picture;
}
