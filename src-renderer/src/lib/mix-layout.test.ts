import { describe, expect, it } from 'vitest';
import type { MixLayout } from '../../../src-main/contract/mixer-api';
import { applyPreset, boxLook, commonSpan, defaultRenderFrom, edit, historyOf, placeBox, presetBoxes, presetLayout, redo, restack, scaleLayout, undo, withBorder, withCrop } from './mix-layout';

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

  it('crops edge by edge, whole pixels, and drops the crop once every edge is back at 0', () => {
    const input = layout.inputs[0]!;
    const cropped = withCrop(input, 'left', 40.4);
    expect(cropped.crop).toEqual({ top: 0, right: 0, bottom: 0, left: 40 });
    expect(withCrop(cropped, 'top', -5).crop).toEqual({ top: 0, right: 0, bottom: 0, left: 40 });
    expect(withCrop(cropped, 'left', 0)).toEqual(input);
    expect('crop' in withCrop(cropped, 'left', 0)).toBe(false);
  });

  it("keeps a border's width and colour apart, white to begin with, and none at 0 px", () => {
    const input = layout.inputs[0]!;
    const bordered = withBorder(input, { width: 6 });
    expect(bordered.border).toEqual({ width: 6, colour: '#ffffff' });
    expect(withBorder(bordered, { colour: '#ff0000' }).border).toEqual({ width: 6, colour: '#ff0000' });
    expect(withBorder(bordered, { width: 0 })).toEqual(input);
    expect(withBorder(input, { colour: '#00ff00' }).border).toEqual({ width: 0, colour: '#00ff00' });
    expect(withBorder(input, { width: 500 }).border?.width).toBe(100);
  });

  it("draws a box's look at the editor's scale: opacity, corners no rounder than the box, an even border inside it", () => {
    const input = { ...layout.inputs[0]!, opacity: 0.5, radius: 1000, border: { width: 7, colour: '#ff0000' } };
    expect(boxLook(input, 0.5)).toEqual({ opacity: 0.5, radius: 90, borderWidth: 3, borderColour: '#ff0000' });
    expect(boxLook(layout.inputs[0]!, 0.5)).toEqual({ opacity: 1, radius: 0, borderWidth: 0, borderColour: null });
    // A 1 px border still shows on a small preview: at least one screen pixel.
    expect(boxLook({ ...input, border: { width: 2, colour: '#ffffff' } }, 0.1).borderWidth).toBe(1);
  });

  it('finds where recorded streams meet, and starts a render at the latest whole range in it', () => {
    const spans = [
      { stream: 'live/a', from: 100, to: 500.5 },
      { stream: 'live/b', from: 200.2, to: 450 },
      { stream: 'live/c', from: 600, to: 700 },
    ];
    expect(commonSpan(spans, ['live/a', 'live/b'])).toEqual({ from: 200.2, to: 450 });
    expect(commonSpan(spans, ['live/a', 'live/c'])).toBeNull();
    expect(commonSpan(spans, ['live/a', 'live/x'])).toBeNull();
    expect(defaultRenderFrom(spans, ['live/a', 'live/b'], 60)).toBe(390);
    // Longer than the overlap: from its start.
    expect(defaultRenderFrom(spans, ['live/a', 'live/b'], 600)).toBe(201);
    // They never met: the latest range any of them has.
    expect(defaultRenderFrom(spans, ['live/a', 'live/c'], 10)).toBe(690);
    expect(defaultRenderFrom(spans, ['live/x'], 10)).toBeNull();
  });

  it('scales a layout to another canvas in even pixels, corners and borders with it; builds a preset layout from streams', () => {
    const styled: MixLayout = { ...layout, inputs: [{ ...layout.inputs[0]!, radius: 20, border: { width: 8, colour: '#ffffff' } }, layout.inputs[1]!] };
    const half = scaleLayout(styled, 640, 360);
    expect(half).toMatchObject({ width: 640, height: 360, fps: 30 });
    expect(half.inputs[0]).toMatchObject({ x: 0, y: 0, w: 320, h: 180, radius: 10, border: { width: 4, colour: '#ffffff' } });
    expect(half.inputs[1]).toMatchObject({ x: 320, y: 0, w: 320, h: 180 });
    expect(scaleLayout(layout, 1280, 720)).toBe(layout);
    for (const n of Object.values(scaleLayout(layout, 854, 480).inputs[1]!).filter((v) => typeof v === 'number')) expect(n % 2).toBe(0);
    const pip = presetLayout('pip-br', ['live/a', 'live/b'], { width: 1280, height: 720, fps: 25 });
    expect(pip.inputs.map((i) => i.source)).toEqual(['live/a', 'live/b']);
    expect(pip.inputs[0]).toMatchObject({ x: 0, y: 0, w: 1280, h: 720 });
    expect(pip.fps).toBe(25);
    expect(pip.background).toBe('#101010');
  });
});
