import { useEffect, useRef } from 'react';
import { api } from '../../api/endpoints';
import { formatClock } from '../../lib/timeline/clock';
import { dayLabel } from '../../lib/timeline/ticks';
import { coverageAt } from '../../lib/timeline/coverage';
import { timeToX, xToTime } from '../../lib/timeline/time-scale';
import { useStudio } from '../../store';
import type { DvrController } from '../../engine/dvr/dvr-controller';
import { hoverPictureUrl } from '../../engine/dvr/hover-picture';
import { preloadImage, SpriteCache } from '../../engine/dvr/sprite-cache';
import { drawTimeline, readPalette, type Palette, type TimelineScene } from '../../engine/dvr/timeline-draw';
import { laneAt, RULER_H, timelineHeight } from '../../engine/dvr/timeline-layout';

/** Pixels a press may move and still count as a click (not a pan). */
const CLICK_SLOP = 3;
/** How near (px) the pointer must be to an In/Out line to take its handle. */
const HANDLE_SLOP = 6;

type Gesture =
  | { kind: 'scrub'; id: number }
  | { kind: 'pan'; id: number; lastX: number; startX: number; moved: boolean }
  | { kind: 'mark'; id: number; which: 'in' | 'out' }
  | { kind: 'pinch'; distance: number; midX: number };

/**
 * The canvas timeline. Wheel or pinch zooms at the pointer; dragging the ruler (or
 * with the middle button anywhere) pans; a click or drag in the lanes scrubs, with
 * the pictures following; the In/Out lines drag. Hovering shows the picture there.
 */
export function Timeline({ controller, laneCount }: { controller: DvrController; laneCount: number }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cardRef = useRef<HTMLDivElement>(null);
  const height = timelineHeight(laneCount);

  // Size, pixel ratio, drawing.
  useEffect(() => {
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!wrap || !canvas) return;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) return;
    const palette: Palette = readPalette(wrap);
    let dpr = window.devicePixelRatio || 1;

    const size = () => {
      const width = Math.max(1, Math.floor(wrap.clientWidth));
      dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      controller.resize(width);
      controller.invalidate();
    };
    size();
    const observer = new ResizeObserver(size);
    observer.observe(wrap);
    // A window moved to a screen of another pixel ratio redraws sharp there.
    const media = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onDpr = () => size();
    media.addEventListener('change', onDpr);

    const draw = () => {
      const state = useStudio.getState();
      const scene: TimelineScene = {
        view: controller.view,
        height,
        dpr,
        fps: controller.activeLane()?.fps ?? 30,
        now: Date.now() / 1000,
        lanes: controller.lanes.map((lane) => ({
          stream: lane.stream,
          active: lane.stream === controller.active,
          coverage: controller.coverage.buckets(lane.stream, controller.view),
          locks: state.dvrLocks[lane.stream] ?? [],
        })),
        marks: state.dvrMarks,
        playhead: controller.playhead,
        hover: controller.hover,
        live: controller.getSnapshot().live,
        hotMark: controller.hotMark,
      };
      ctx.fillStyle = palette.lane;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      drawTimeline(ctx, scene, palette);
      // The axis, for tests and tools that need to know where a time is drawn.
      const start = controller.view.start.toFixed(3);
      if (canvas.dataset.start !== start) canvas.dataset.start = start;
      const spp = controller.view.spp.toPrecision(6);
      if (canvas.dataset.spp !== spp) canvas.dataset.spp = spp;
    };
    controller.setDrawer(draw);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', onDpr);
      controller.setDrawer(null);
    };
  }, [controller, height]);

  // Pointer, wheel and pinch.
  useEffect(() => {
    const canvas = canvasRef.current;
    const card = cardRef.current;
    if (!canvas || !card) return;
    let gesture: Gesture | null = null;
    const touches = new Map<number, number>();
    const setHot = (which: 'in' | 'out' | null) => {
      if (which === controller.hotMark) return;
      controller.setHotMark(which);
      canvas.style.cursor = which ? 'ew-resize' : '';
    };
    const local = (event: PointerEvent | WheelEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    };
    const markNear = (x: number): 'in' | 'out' | null => {
      const { dvrMarks } = useStudio.getState();
      const view = controller.view;
      const di = dvrMarks.in === null ? Infinity : Math.abs(timeToX(view, dvrMarks.in) - x);
      const dout = dvrMarks.out === null ? Infinity : Math.abs(timeToX(view, dvrMarks.out) - x);
      if (Math.min(di, dout) > HANDLE_SLOP) return null;
      return di <= dout ? 'in' : 'out';
    };

    const thumb = new HoverThumb(card);

    const hover = (x: number, y: number) => {
      const lane = laneAt(y, controller.lanes.length);
      const t = xToTime(controller.view, x);
      controller.setHover({ x, t, lane });
      const stream = lane === null ? controller.active : (controller.lanes[lane]?.stream ?? null);
      const info = controller.lanes.find((l) => l.stream === stream);
      if (!stream || !info) return thumb.hide();
      const recorded = coverageAt(controller.coverage.buckets(stream, controller.view), t);
      thumb.show(stream, info.token, t, x, canvas.clientWidth, controller.view.spp, t > Date.now() / 1000 ? 0 : recorded);
    };

    const onPointerDown = (event: PointerEvent) => {
      const { x, y } = local(event);
      if (event.pointerType === 'touch') {
        touches.set(event.pointerId, x);
        if (touches.size === 2) {
          const [a, b] = [...touches.values()] as [number, number];
          gesture = { kind: 'pinch', distance: Math.max(8, Math.abs(a - b)), midX: (a + b) / 2 };
          controller.endScrub();
          return;
        }
      }
      if (event.button !== 0 && event.button !== 1) return;
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      const near = event.button === 0 && y >= RULER_H - 18 ? markNear(x) : null;
      if (near) {
        gesture = { kind: 'mark', id: event.pointerId, which: near };
        setHot(near);
        return;
      }
      if (event.button === 1 || y < RULER_H) {
        gesture = { kind: 'pan', id: event.pointerId, lastX: x, startX: x, moved: false };
        canvas.style.cursor = 'grabbing';
        return;
      }
      gesture = { kind: 'scrub', id: event.pointerId };
      const lane = laneAt(y, controller.lanes.length);
      const stream = lane === null ? null : controller.lanes[lane]?.stream;
      if (stream && stream !== controller.active) useStudio.getState().setDvrActive(stream);
      controller.beginScrub();
      controller.scrubTo(xToTime(controller.view, x));
      thumb.hide();
    };

    const onPointerMove = (event: PointerEvent) => {
      const { x, y } = local(event);
      if (event.pointerType === 'touch' && touches.has(event.pointerId)) {
        touches.set(event.pointerId, x);
        if (gesture?.kind === 'pinch' && touches.size >= 2) {
          const [a, b] = [...touches.values()] as [number, number];
          const distance = Math.max(8, Math.abs(a - b));
          const midX = (a + b) / 2;
          controller.pan(midX - gesture.midX);
          controller.zoomBy(gesture.distance / distance, midX);
          gesture = { kind: 'pinch', distance, midX };
          return;
        }
      }
      if (!gesture) {
        setHot(y >= RULER_H - 18 ? markNear(x) : null);
        hover(x, y);
        return;
      }
      if (gesture.kind === 'scrub') {
        controller.scrubTo(xToTime(controller.view, Math.max(0, Math.min(canvas.clientWidth, x))));
        controller.setHover(null);
      } else if (gesture.kind === 'pan') {
        if (Math.abs(x - gesture.startX) > CLICK_SLOP) gesture.moved = true;
        if (gesture.moved) controller.pan(x - gesture.lastX);
        gesture.lastX = x;
        thumb.hide();
      } else if (gesture.kind === 'mark') {
        controller.dragMark(gesture.which, Math.min(Date.now() / 1000, xToTime(controller.view, x)));
        hover(x, y);
      }
    };

    const finish = (event: PointerEvent) => {
      touches.delete(event.pointerId);
      if (!gesture) return;
      if (gesture.kind === 'pinch') {
        if (touches.size < 2) gesture = null;
        return;
      }
      if (gesture.id !== event.pointerId) return;
      const { x } = local(event);
      if (gesture.kind === 'scrub') controller.endScrub();
      if (gesture.kind === 'pan') {
        canvas.style.cursor = '';
        // A press on the ruler that did not move is a click: go there.
        if (!gesture.moved && event.type === 'pointerup') controller.scrubTo(xToTime(controller.view, x));
      }
      if (gesture.kind === 'mark') setHot(null);
      gesture = null;
    };

    const onLeave = () => {
      if (gesture) return;
      controller.setHover(null);
      setHot(null);
      thumb.hide();
    };

    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const { x } = local(event);
      const horizontal = Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (horizontal || event.shiftKey) {
        controller.pan(-(horizontal ? event.deltaX : event.deltaY) * (event.deltaMode === 1 ? 16 : 1));
      } else {
        // A touchpad pinch arrives as a wheel with ctrlKey.
        controller.zoomWheel(x, event.deltaY, event.deltaMode, event.ctrlKey);
      }
      thumb.hide();
    };

    canvas.addEventListener('pointerdown', onPointerDown);
    canvas.addEventListener('pointermove', onPointerMove);
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
    canvas.addEventListener('pointerleave', onLeave);
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      canvas.removeEventListener('pointerdown', onPointerDown);
      canvas.removeEventListener('pointermove', onPointerMove);
      canvas.removeEventListener('pointerup', finish);
      canvas.removeEventListener('pointercancel', finish);
      canvas.removeEventListener('pointerleave', onLeave);
      canvas.removeEventListener('wheel', onWheel);
      thumb.dispose();
    };
  }, [controller]);

  return (
    <div className="timeline" ref={wrapRef} data-testid="dvr-timeline">
      <canvas
        ref={canvasRef}
        className="timeline-canvas"
        tabIndex={0}
        role="application"
        aria-roledescription="timeline"
        aria-label="Timeline: click or drag to go to a time; wheel to zoom; drag the ruler to pan; ? lists the keys"
        data-testid="dvr-timeline-canvas"
        style={{ height }}
      />
      <div className="timeline-thumb" ref={cardRef} hidden aria-hidden="true" data-testid="dvr-hover-thumb">
        <div className="timeline-thumb-picture">
          <div className="timeline-thumb-sprite" hidden />
          <img alt="" draggable={false} hidden />
          <span className="timeline-thumb-note" />
        </div>
        <span className="timeline-thumb-time" />
      </div>
    </div>
  );
}

const THUMB_W = 176;

/**
 * The picture under the pointer: at once from a sprite sheet of the window around it
 * when one is there, then the keyframe nearest the hovered second
 * (/NAME/YYYY/MM/DD/HH/MM/SS.jpg, UTC). Pictures load off-screen and replace the
 * shown one only when they arrive, so hovering never flashes empty.
 */
class HoverThumb {
  private readonly card: HTMLDivElement;
  private readonly img: HTMLImageElement;
  private readonly sprite: HTMLDivElement;
  private readonly note: HTMLSpanElement;
  private readonly time: HTMLSpanElement;
  private readonly sprites: SpriteCache;
  private wanted = '';
  private loader: HTMLImageElement | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last: Parameters<HoverThumb['show']> | null = null;

  constructor(card: HTMLDivElement) {
    this.card = card;
    this.img = card.querySelector('img')!;
    this.sprite = card.querySelector('.timeline-thumb-sprite')!;
    this.note = card.querySelector('.timeline-thumb-note')!;
    this.time = card.querySelector('.timeline-thumb-time')!;
    // A sheet that arrives while the pointer rests shows without waiting for it to move.
    this.sprites = new SpriteCache({ fetchMap: api.sprite, preload: preloadImage }, () => {
      if (this.last && !this.card.hidden) this.show(...this.last);
    });
  }

  show(stream: string, token: string | null, t: number, x: number, width: number, spp: number, recorded: number | null): void {
    this.last = [stream, token, t, x, width, spp, recorded];
    this.card.hidden = false;
    const left = Math.max(0, Math.min(width - THUMB_W, x - THUMB_W / 2));
    this.card.style.transform = `translateX(${left}px)`;
    this.time.textContent = `${formatClock(t, spp < 0.05)}  ${dayLabel(t)}`;
    if (recorded === 0) {
      this.setNote('No recording');
      this.img.hidden = true;
      this.sprite.hidden = true;
      this.wanted = '';
      return;
    }
    const url = hoverPictureUrl(stream, token, t, spp);
    const tile = this.sprites.tileAt(stream, token, t, spp * width);
    if (tile && tile !== 'gap') {
      const scale = (THUMB_W - 8) / tile.width;
      this.sprite.style.backgroundImage = `url("${tile.url}")`;
      this.sprite.style.backgroundSize = `${tile.sheetWidth * scale}px ${tile.sheetHeight * scale}px`;
      this.sprite.style.backgroundPosition = `${-tile.x * scale}px ${-tile.y * scale}px`;
      this.sprite.hidden = false;
      this.setNote('');
      // The exact picture of another second is stale: the sheet's tile shows until the new one is in.
      if (url !== this.wanted) this.img.hidden = true;
    } else {
      this.sprite.hidden = true;
    }
    if (url === this.wanted) return;
    this.wanted = url;
    if (this.timer) clearTimeout(this.timer);
    // A short rest before asking: sweeping across the timeline should not fire a request per pixel.
    this.timer = setTimeout(() => this.load(url), 60);
  }

  private load(url: string): void {
    this.timer = null;
    const img = new Image();
    this.loader = img;
    if ((this.img.hidden || !this.img.src) && this.sprite.hidden) this.setNote('Loading…');
    img.onload = () => {
      if (this.loader !== img || this.wanted !== url) return;
      this.img.src = url;
      this.img.hidden = false;
      this.setNote('');
    };
    img.onerror = () => {
      if (this.loader !== img || this.wanted !== url) return;
      this.img.hidden = true;
      if (this.sprite.hidden) this.setNote('No picture here');
    };
    img.src = url;
  }

  private setNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  hide(): void {
    this.card.hidden = true;
    this.wanted = '';
    this.last = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.hide();
    if (this.loader) this.loader.onload = this.loader.onerror = null;
  }
}
