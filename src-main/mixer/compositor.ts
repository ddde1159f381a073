// The mixer's canvas: each tick, the background, then every input's latest picture in
// its box, back to front. Pure and synchronous: the live mix calls it on its clock, the
// offline mix on the recording's; neither waits for a late input (its last picture, or
// the background, stands in).
import { blankPicture, draw, fill, hexToYuv, type Picture } from './picture.js';

export interface CanvasSpec {
  width: number;
  height: number;
  background: string;
  /** What an input that is not live shows: its last picture, or nothing (the background). */
  offline: 'last-frame' | 'background';
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  z: number;
}

export interface Slot {
  box: Box;
  picture: Picture | null;
  live: boolean;
}

export class Compositor {
  /** Its own canvas, made on first use (a caller that draws into its own buffers never needs it). */
  private canvas: Picture | null = null;
  private background: [number, number, number];

  constructor(private spec: CanvasSpec) {
    this.background = hexToYuv(spec.background);
  }

  /** A new canvas colour or offline rule; the size is fixed for the life of a mix (its encoder's). */
  restyle(background: string, offline: CanvasSpec['offline']): void {
    this.spec = { ...this.spec, background, offline };
    this.background = hexToYuv(background);
  }

  /** This tick's canvas, drawn into `into` (the compositor's own buffer by default, valid until the next call). */
  compose(slots: readonly Slot[], into: Picture = (this.canvas ??= blankPicture(this.spec.width, this.spec.height))): Picture {
    if (into.width !== this.spec.width || into.height !== this.spec.height) throw new Error(`a ${this.spec.width}x${this.spec.height} canvas cannot be drawn into ${into.width}x${into.height}`);
    fill(into, this.background);
    const order = slots.map((slot, index) => ({ slot, index })).sort((a, b) => a.slot.box.z - b.slot.box.z || a.index - b.index);
    for (const { slot } of order) {
      if (!slot.picture || (!slot.live && this.spec.offline === 'background')) continue;
      draw(into, slot.picture, slot.box.x, slot.box.y, slot.box.w, slot.box.h);
    }
    return into;
  }
}
