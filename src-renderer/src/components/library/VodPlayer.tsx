import { useEffect, useRef, useState } from 'react';
import Hls from 'hls.js/light';
import { ScrubBar } from './ScrubBar';

interface Level {
  height: number;
  bitrate: number;
  original: boolean;
}

/**
 * A library file playing by HLS: hls.js where MediaSource exists, the browser's own HLS
 * otherwise (Safari). Auto follows the connection; a size picked by hand stays.
 */
export function VodPlayer({ src }: { src: string }) {
  // …/FILE/index.m3u8?token=…: the file's base for its sprite, and the query it carries.
  const [path, search = ''] = src.split('?');
  const base = path!.replace(/\/index\.m3u8$/, '');
  const query = search ? `?${search}` : '';
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<Level[]>([]);
  const [picked, setPicked] = useState(-1);
  const [playing, setPlaying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    setLevels([]);
    setPicked(-1);
    setPlaying(null);
    setError(null);
    if (!Hls.isSupported()) {
      video.src = src;
      return;
    }
    const hls = new Hls({ enableWorker: true, maxBufferLength: 20 });
    hlsRef.current = hls;
    // The original remuxed is the source/ variant (the studio's /vod URLs): named so, beside the made sizes.
    hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => setLevels(data.levels.map((l) => ({ height: l.height, bitrate: l.bitrate, original: /\/source\/index\.m3u8/.test(l.url[0] ?? '') }))));
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => setPlaying(data.level));
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
      else setError(data.response?.code === 415 || data.response?.code === 503 ? 'This file cannot be played yet' : `Playback stopped: ${data.details}`);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    return () => {
      hlsRef.current = null;
      hls.destroy();
    };
  }, [src]);

  const pick = (level: number) => {
    setPicked(level);
    const hls = hlsRef.current;
    if (!hls) return;
    if (level === -1) hls.nextLevel = -1;
    else hls.currentLevel = level;
  };

  const seek = (t: number) => {
    const video = videoRef.current;
    if (video) video.currentTime = t;
  };

  const auto = playing !== null && levels[playing] ? `Auto (${levels[playing].height}p)` : 'Auto';
  return (
    <div className="vod-player" data-testid="vod-player">
      <video ref={videoRef} className="vod-video" controls playsInline data-testid="vod-video" />
      {levels.length > 1 && (
        <select className="video-quality" aria-label="Quality" data-testid="vod-quality" value={picked} onChange={(e) => pick(Number(e.target.value))}>
          <option value={-1}>{auto}</option>
          {levels
            .map((l, i) => ({ ...l, i }))
            .reverse()
            .map((l) => (
              <option key={l.i} value={l.i}>
                {l.original ? `Original ${l.height}p` : `${l.height}p`}
              </option>
            ))}
        </select>
      )}
      {error && <div className="vod-player-error">{error}</div>}
      <ScrubBar video={videoRef} base={base} query={query} onSeek={seek} />
    </div>
  );
}
