import { describe, expect, it } from 'vitest';
import { Compositor } from './compositor.js';
import { blankPicture, fill, hexToYuv } from './picture.js';

const lumaAt = (data: Uint8Array, width: number, x: number, y: number) => data[y * width + x];

describe('compositor', () => {
  it('draws boxes back to front over the background, clipped to the canvas, scaling a picture of another size', () => {
    const c = new Compositor({ width: 64, height: 32, background: '#000000', offline: 'last-frame' });
    const white = blankPicture(16, 16);
    fill(white, hexToYuv('#ffffff'));
    const grey = blankPicture(8, 8); // half the box: drawn scaled
    fill(grey, hexToYuv('#808080'));
    const out = c.compose([
      { box: { x: 8, y: 8, w: 16, h: 16, z: 1 }, picture: grey, live: true },
      { box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white, live: true },
      { box: { x: 56, y: 24, w: 16, h: 16, z: 2 }, picture: white, live: true }, // half off the canvas
    ]);
    expect(lumaAt(out.data, 64, 2, 2)).toBe(235); // white
    expect(lumaAt(out.data, 64, 12, 12)).toBe(hexToYuv('#808080')[0]); // grey in front of white
    expect(lumaAt(out.data, 64, 40, 4)).toBe(16); // background
    expect(lumaAt(out.data, 64, 63, 31)).toBe(235); // the clipped box's visible corner
    // Chroma of white and black is neutral.
    expect(out.data[64 * 32]).toBe(128);
  });

  it('an input without signal shows its last picture, or the background when the mix says so', () => {
    const c = new Compositor({ width: 32, height: 32, background: '#000000', offline: 'background' });
    const white = blankPicture(16, 16);
    fill(white, hexToYuv('#ffffff'));
    expect(lumaAt(c.compose([{ box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white, live: false }]).data, 32, 4, 4)).toBe(16);
    c.restyle('#000000', 'last-frame');
    expect(lumaAt(c.compose([{ box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white, live: false }]).data, 32, 4, 4)).toBe(235);
  });

  it('converts colours to BT.709 limited range', () => {
    expect(hexToYuv('#000000')).toEqual([16, 128, 128]);
    expect(hexToYuv('#ffffff')).toEqual([235, 128, 128]);
    expect(hexToYuv('#ff0000')).toEqual([63, 102, 240]);
  });
});

describe('box styles', () => {
  const white = () => {
    const p = blankPicture(16, 16);
    fill(p, hexToYuv('#ffffff'));
    return p;
  };

  it('blends by opacity, rounds corners, and draws a border inside the box', () => {
    const c = new Compositor({ width: 32, height: 32, background: '#000000', offline: 'last-frame' });
    const half = c.compose([{ box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white(), live: true, style: { opacity: 0.5 } }]);
    expect(lumaAt(half.data, 32, 8, 8)).toBeGreaterThan(120);
    expect(lumaAt(half.data, 32, 8, 8)).toBeLessThan(130);
    const round = c.compose([{ box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white(), live: true, style: { radius: 8 } }]);
    expect(lumaAt(round.data, 32, 0, 0)).toBe(16); // the corner is cut away
    expect(lumaAt(round.data, 32, 8, 0)).toBe(235); // the middle of the top edge is not
    expect(lumaAt(round.data, 32, 8, 8)).toBe(235);
    // A red border of 4 pixels: the picture fills the 8×8 inside it (drawn scaled here, its decoder not yet at that size).
    const framed = c.compose([{ box: { x: 0, y: 0, w: 16, h: 16, z: 0 }, picture: white(), live: true, style: { border: { width: 4, colour: '#ff0000' } } }]);
    expect(lumaAt(framed.data, 32, 1, 8)).toBe(hexToYuv('#ff0000')[0]);
    expect(lumaAt(framed.data, 32, 8, 8)).toBe(235);
  });

  it('shows colour bars for an input without signal when the mix asks for the slate', () => {
    const c = new Compositor({ width: 70, height: 20, background: '#000000', offline: 'slate' });
    const out = c.compose([{ box: { x: 0, y: 0, w: 70, h: 20, z: 0 }, picture: white(), live: false }]);
    expect(lumaAt(out.data, 70, 5, 10)).toBe(hexToYuv('#bfbfbf')[0]); // first bar
    expect(lumaAt(out.data, 70, 65, 10)).toBe(hexToYuv('#0000bf')[0]); // last bar
    // Live again: its picture.
    expect(lumaAt(c.compose([{ box: { x: 0, y: 0, w: 70, h: 20, z: 0 }, picture: white(), live: true }]).data, 70, 5, 10)).toBe(235);
  });
});

describe('pictures the mixer makes itself', () => {
  it('fills a colour card and draws the time of day over what is behind', () => {
    const c = new Compositor({ width: 200, height: 40, background: '#000000', offline: 'background' });
    const out = c.compose(
      [
        { box: { x: 0, y: 0, w: 20, h: 20, z: 0 }, picture: null, live: false, generated: { kind: 'colour', colour: '#ff0000' } },
        { box: { x: 0, y: 0, w: 200, h: 40, z: 1 }, picture: null, live: false, generated: { kind: 'clock' } },
      ],
      undefined,
      new Date(2026, 11, 7, 18, 88 - 60, 8),
    );
    // The card where the clock leaves it alone, the background elsewhere.
    expect(lumaAt(out.data, 200, 1, 19)).toBe(hexToYuv('#ff0000')[0]);
    expect(lumaAt(out.data, 200, 199, 39)).toBe(16);
    // "18:28:08": white segments somewhere in each digit's column, and only white or what was there.
    let lit = 0;
    for (let i = 0; i < 200 * 40; i++) if (out.data[i] === 235) lit++;
    expect(lit).toBeGreaterThan(300);
    expect(lit).toBeLessThan(200 * 40 * 0.5);
  });
});
