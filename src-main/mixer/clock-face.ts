// The time of day drawn as seven-segment digits, HH:MM:SS, white, straight onto the canvas
// (only the lit segments: whatever is behind shows around them). No font is needed, so it
// looks the same on every machine; the live mix shows now, an offline mix the recording's time.
import { fillBox, hexToYuv, type Picture, type Shape } from './picture.js';

//  a
// f b
//  g
// e c
//  d
const segments: Record<string, string> = {
  '0': 'abcdef', '1': 'bc', '2': 'abged', '3': 'abgcd', '4': 'fgbc', '5': 'afgcd', '6': 'afgedc', '7': 'abc', '8': 'abcdefg', '9': 'abcdfg',
};
const white = hexToYuv('#ffffff');

/** Draws `date`'s local time in the box, as large as fits, centred. */
export function drawClock(dst: Picture, date: Date, box: { x: number; y: number; w: number; h: number }, shape: Shape): void {
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  // In units of the digit height: a digit is 0.55 wide, a colon 0.25, a gap 0.12 after each.
  const widthPerHeight = 6 * 0.55 + 2 * 0.25 + 7 * 0.12;
  const height = Math.floor(Math.min(box.h, box.w / widthPerHeight)) & ~1;
  if (height < 10) return;
  const width = Math.round(height * widthPerHeight);
  const t = Math.max(2, Math.round(height / 9)) & ~1;
  let x = box.x + Math.floor((box.w - width) / 2);
  const y = box.y + Math.floor((box.h - height) / 2);
  const bar = (bx: number, by: number, bw: number, bh: number) => fillBox(dst, white, bx, by, bw, bh, shape);
  for (const ch of text) {
    if (ch === ':') {
      const cw = Math.round(height * 0.25);
      bar(x + (cw - t) / 2, y + Math.round(height * 0.3), t, t);
      bar(x + (cw - t) / 2, y + Math.round(height * 0.7) - t, t, t);
      x += cw + Math.round(height * 0.12);
      continue;
    }
    const dw = Math.round(height * 0.55);
    const half = Math.round(height / 2);
    const lit = segments[ch] ?? '';
    if (lit.includes('a')) bar(x, y, dw, t);
    if (lit.includes('g')) bar(x, y + half - t / 2, dw, t);
    if (lit.includes('d')) bar(x, y + height - t, dw, t);
    if (lit.includes('f')) bar(x, y, t, half);
    if (lit.includes('b')) bar(x + dw - t, y, t, half);
    if (lit.includes('e')) bar(x, y + half, t, height - half);
    if (lit.includes('c')) bar(x + dw - t, y + half, t, height - half);
    x += dw + Math.round(height * 0.12);
  }
}
