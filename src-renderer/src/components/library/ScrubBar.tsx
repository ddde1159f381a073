import { useEffect, useRef, useState, type RefObject } from 'react';
import { formatSpan } from '../../lib/timeline/clock';

interface SpriteMap {
  tileWidth: number;
  tileHeight: number;
  columns: number;
  interval: number;
  tiles: number;
}

/** A seek bar that shows the picture under the pointer (the file's thumbnail sprite) before a click goes there. */
export function ScrubBar({ video, base, query, onSeek }: { video: RefObject<HTMLVideoElement | null>; base: string; query: string; onSeek(t: number): void }) {
  const [map, setMap] = useState<SpriteMap | null>(null);
  /** The sheet is in the browser's cache: thumbnails show at once, never as an empty box. */
  const [sheetReady, setSheetReady] = useState(false);
  const [hover, setHover] = useState<{ x: number; t: number; width: number } | null>(null);
  const [played, setPlayed] = useState(0);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetch(`${base}/sprite.json${query}`, { signal: abort.signal })
      .then((r) => (r.ok ? (r.json() as Promise<SpriteMap>) : null))
      .then(setMap, () => setMap(null));
    return () => abort.abort();
  }, [base, query]);
  useEffect(() => {
    if (!map) return;
    const sheet = new Image();
    sheet.onload = () => setSheetReady(true);
    sheet.src = `${base}/sprite.jpg${query}`;
    return () => {
      sheet.onload = null;
    };
  }, [map, base, query]);

  useEffect(() => {
    const v = video.current;
    if (!v) return;
    const tick = () => setPlayed(v.duration > 0 ? v.currentTime / v.duration : 0);
    v.addEventListener('timeupdate', tick);
    v.addEventListener('seeked', tick);
    return () => {
      v.removeEventListener('timeupdate', tick);
      v.removeEventListener('seeked', tick);
    };
  }, [video]);

  const timeAt = (clientX: number) => {
    const rect = bar.current!.getBoundingClientRect();
    const share = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    const duration = video.current?.duration ?? 0;
    return { x: share * rect.width, t: Number.isFinite(duration) ? share * duration : 0, width: rect.width };
  };
  const tile = map && hover ? Math.min(map.tiles - 1, Math.floor(hover.t / map.interval)) : 0;

  return (
    <div
      className="scrub"
      ref={bar}
      data-testid="vod-scrub"
      onMouseMove={(e) => setHover(timeAt(e.clientX))}
      onMouseLeave={() => setHover(null)}
      onClick={(e) => onSeek(timeAt(e.clientX).t)}
    >
      <div className="scrub-played" style={{ width: `${played * 100}%` }} />
      {hover && (
        <div className="scrub-hover" style={{ left: Math.min(Math.max(hover.x, (map?.tileWidth ?? 60) / 2), hover.width - (map?.tileWidth ?? 60) / 2) }} data-testid="vod-scrub-hover">
          {map && sheetReady && (
            <div
              className="scrub-thumb"
              style={{
                width: map.tileWidth,
                height: map.tileHeight,
                backgroundImage: `url("${base}/sprite.jpg${query}")`,
                backgroundPosition: `-${(tile % map.columns) * map.tileWidth}px -${Math.floor(tile / map.columns) * map.tileHeight}px`,
              }}
            />
          )}
          <span className="scrub-time">{formatSpan(hover.t)}</span>
        </div>
      )}
    </div>
  );
}
