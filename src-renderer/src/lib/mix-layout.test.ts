import { describe, expect, it } from 'vitest';
import type { MixLayout } from '../../../src-main/contract/mixer-api';
import { applyPreset, edit, historyOf, placeBox, presetBoxes, redo, restack, undo } from './mix-layout';

const layout: MixLayout = {
  width: 1280,
  height: 720,
  fps: 30,
  inputs: [
    { source: 'live/a', x: 0, y: 0, w: 640, h: 360 },
    { source: 'live/b', x: 640, y: 0, w: 640, h: 360 },
  ],
};

describe('mix layout', () => {
  it('presets give even boxes on the canvas: PiP puts the second input small in its corner, in front', () => {
    const pip = applyPreset(layout, 'pip-br');
    expect(pip.inputs[0]).toMatchObject({ x: 0, y: 0, w: 1280, h: 720, z: 0 });
    const small = pip.inputs[1]!;
    expect(small.z).toBe(1);
    expect(small.x + small.w).toBeLessThan(1280);
    expect(small.y + small.h).toBeLessThan(720);
    expect(small.x).toBeGreaterThan(640);
    for (const box of presetBoxes('grid', 4, 1280, 720)) for (const n of [box.x, box.y, box.w, box.h]) expect(n % 2).toBe(0);
    expect(presetBoxes('speaker-strip', 4, 1280, 720).slice(1).every((b) => b.y === 540 && b.h === 180)).toBe(true);
  });

  it('keeps a dragged box even, at least 16 px, and never wholly off the canvas', () => {
    expect(placeBox({ x: 101, y: 51, w: 301, h: 3 }, 1280, 720)).toEqual({ x: 102, y: 52, w: 302, h: 16 });
    expect(placeBox({ x: 5000, y: -5000, w: 200, h: 100 }, 1280, 720)).toEqual({ x: 1264, y: -84, w: 200, h: 100 });
  });

  it('restacks one step at a time, and undoes and redoes whole layouts', () => {
    expect(restack(layout.inputs, 0, 1).map((i) => i.z)).toEqual([1, 0]);
    expect(restack(layout.inputs, 1, 1).map((i) => i.z)).toEqual([0, 1]);
    let h = historyOf(layout);
    h = edit(h, applyPreset(layout, 'grid'));
    h = edit(h, applyPreset(layout, 'single'));
    expect(undo(undo(h)).present).toEqual(layout);
    expect(redo(undo(h)).present).toEqual(h.present);
    expect(edit(h, h.present)).toBe(h);
  });
});
