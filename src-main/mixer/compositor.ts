// The mixer's canvas: each tick, the background, then every input's latest picture in
// its box, back to front. Pure and synchronous: the live mix calls it on its clock, the
// offline mix on the recording's; neither waits for a late input (its last picture, or
// the background, stands in).
import { drawClock } from './clock-face.js';
import { blankPicture, colourBars, draw, fill, fillBox, hexToYuv, type Picture } from './picture.js';

export interface CanvasSpec {
  width: number;
  height: number;
  background: string;
  /** What an input that is not live shows: its last picture, colour bars, or nothing (the background). */
  offline: 'last-frame' | 'slate' | 'background';
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  z: number;
}

/** How a box looks beyond its picture: all optional, a plain opaque box by default. */
export interface BoxStyle {
  opacity?: number;
  radius?: number;
  border?: { width: number; colour: string };
}

export interface Slot {
  box: Box;
  /** The picture, the size of the box inside its border (innerBox) once its decoder has caught up. */
  picture: Picture | null;
  live: boolean;
  style?: BoxStyle;
  /** A picture the mixer makes itself instead of an input's: a colour card, or the time of day. */
  generated?: { kind: 'colour'; colour: string } | { kind: 'clock' };
}

/** The part of a box its picture fills: inside the border, even-sized, at least 2×2. */
export function innerBox(box: { x: number; y: number; w: number; h: number }, style: BoxStyle = {}): { x: number; y: number; w: number; h: number } {
  const b = Math.max(0, Math.min(style.border?.width ?? 0, (Math.min(box.w, box.h) >> 1) - 1)) & ~1;
  return { x: box.x + b, y: box.y + b, w: Math.max(2, (box.w - 2 * b) & ~1), h: Math.max(2, (box.h - 2 * b) & ~1) };
}

/** Slates kept by size: a few boxes' worth. */
const maxSlates = 9;

export class Compositor {
  /** Its own canvas, made on first use (a caller that draws into its own buffers never needs it). */
  private canvas: Picture | null = null;
  private background: [number, number, number];
  private readonly slates = new Map<string, Picture>();
  /** Border and card colours as Y′CbCr, parsed once each rather than every tick. */
  private readonly colours = new Map<string, [number, number, number]>();

  constructor(private spec: CanvasSpec) {
    this.background = hexToYuv(spec.background);
  }

  /** A new canvas colour or offline rule; the size is fixed for the life of a mix (its encoder's). */
  restyle(background: string, offline: CanvasSpec['offline']): void {
    this.spec = { ...this.spec, background, offline };
    this.background = hexToYuv(background);
  }

  /**
   * This tick's canvas, drawn into `into` (the compositor's own buffer by default, valid until
   * the next call); `now` is the time a clock shows (the recording's, offline).
   */
  compose(slots: readonly Slot[], into: Picture = (this.canvas ??= blankPicture(this.spec.width, this.spec.height)), now: Date = new Date()): Picture {
    if (into.width !== this.spec.width || into.height !== this.spec.height) throw new Error(`a ${this.spec.width}x${this.spec.height} canvas cannot be drawn into ${into.width}x${into.height}`);
    fill(into, this.background);
    const order = slots.map((slot, index) => ({ slot, index })).sort((a, b) => a.slot.box.z - b.slot.box.z || a.index - b.index);
    for (const { slot } of order) {
      if (slot.generated) {
        this.generate(into, slot, now);
        continue;
      }
      const offline = slot.live ? null : this.spec.offline;
      if (offline === 'background') continue;
      const picture = offline === 'slate' ? this.slate(slot) : slot.picture;
      const style = slot.style ?? {};
      const opacity = style.opacity ?? 1;
      const radius = style.radius ?? 0;
      const inner = innerBox(slot.box, style);
      const border = inner.x - slot.box.x;
      if (border > 0 && (picture || offline === 'last-frame')) {
        fillBox(into, this.yuv(style.border!.colour), slot.box.x, slot.box.y, slot.box.w, slot.box.h, { opacity, radius });
      }
      if (picture) draw(into, picture, inner.x, inner.y, inner.w, inner.h, { opacity, radius: Math.max(0, radius - border) });
    }
    return into;
  }

  private generate(into: Picture, slot: Slot, now: Date): void {
    const style = slot.style ?? {};
    const shape = { opacity: style.opacity ?? 1, radius: style.radius ?? 0 };
    if (slot.generated!.kind === 'clock') {
      drawClock(into, now, slot.box, shape);
      return;
    }
    const inner = innerBox(slot.box, style);
    const border = inner.x - slot.box.x;
    if (border > 0) fillBox(into, this.yuv(style.border!.colour), slot.box.x, slot.box.y, slot.box.w, slot.box.h, shape);
    fillBox(into, this.yuv(slot.generated!.colour), inner.x, inner.y, inner.w, inner.h, { ...shape, radius: Math.max(0, shape.radius - border) });
  }

  private yuv(hex: string): [number, number, number] {
    let yuv = this.colours.get(hex);
    if (!yuv) {
      // A layout has a few colours; a long run of edits may name many: the oldest go.
      if (this.colours.size >= 64) this.colours.delete(this.colours.keys().next().value!);
      yuv = hexToYuv(hex);
      this.colours.set(hex, yuv);
    }
    return yuv;
  }

  /** Colour bars the size of the slot's picture area, made once per size. */
  private slate(slot: Slot): Picture {
    const { w, h } = innerBox(slot.box, slot.style);
    const key = `${w}x${h}`;
    let slate = this.slates.get(key);
    if (!slate) {
      if (this.slates.size >= maxSlates) this.slates.delete(this.slates.keys().next().value!);
      slate = colourBars(w, h);
      this.slates.set(key, slate);
    }
    return slate;
  }
}
