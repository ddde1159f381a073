// What any layout must satisfy, live or offline: inputs that are stream names and boxes
// no larger than the canvas. Also what a layout costs in pictures, for memory budgets.
import { generatedSource, type MixInput, type MixLayout } from '../contract/mixer-api.js';
import type { Slot } from './compositor.js';
import type { Picture } from './picture.js';
import { streamNameProblem } from '../contract/stream-name.js';

/** The first thing wrong with the layout's inputs, in words, or null. */
export function layoutProblem(layout: MixLayout): { title: string; detail: string } | null {
  for (const input of layout.inputs) {
    const problem = generatedSource(input.source) ? null : streamNameProblem(input.source);
    if (problem) return { title: 'Invalid input', detail: `${input.source}: ${problem}` };
    if (input.w > layout.width || input.h > layout.height) return { title: 'Box too large', detail: `the box of ${input.source} (${input.w}x${input.h}) is larger than the canvas (${layout.width}x${layout.height})` };
  }
  return null;
}

/**
 * What a layout makes the studio hold in pictures (bytes): its canvases (six in turn) and
 * three pictures per input box, at 1.5 bytes a pixel.
 */
export function mixMemory(layout: MixLayout): number {
  const boxes = layout.inputs.reduce((sum, i) => sum + i.w * i.h, 0);
  return 1.5 * (6 * layout.width * layout.height + 3 * boxes);
}

/** Input `index` of a layout as the compositor draws it (z defaults to the list order). */
export function slotOf(input: MixInput, index: number, picture: Picture | null, live: boolean): Slot {
  return {
    box: { x: input.x, y: input.y, w: input.w, h: input.h, z: input.z ?? index },
    picture,
    live,
    style: { opacity: input.opacity, radius: input.radius, border: input.border },
    generated: generatedSource(input.source) ?? undefined,
  };
}
