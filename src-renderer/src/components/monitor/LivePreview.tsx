import { useEffect, useRef, useState, type ReactNode } from 'react';
import { playWhep } from '../../lib/whep-client';

/**
 * The details pane's picture: the stream itself over WebRTC (muted, under a second
 * behind) over its latest keyframe, which stays when WebRTC cannot play it (HEVC, no
 * WebRTC in this browser, the studio full).
 */
export function LivePreview({ name, live, h264, playToken, children }: { name: string; live: boolean; h264: boolean; playToken: string | null; children: ReactNode }) {
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const element = video.current;
    if (!element || !live || !h264 || typeof RTCPeerConnection === 'undefined') return;
    let stopped = false;
    let stop: (() => void) | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const onPlaying = () => setPlaying(true);
    element.addEventListener('playing', onPlaying);
    // A stream that has just gone live may not have its first frames yet (404): ask again a few times.
    const attempt = (left: number) =>
      playWhep(name, element, { token: playToken, preview: true }).then(
        (player) => {
          if (stopped) player.stop();
          else stop = () => player.stop();
        },
        () => {
          if (!stopped && left > 0) retry = setTimeout(() => void attempt(left - 1), 2000);
        },
      );
    void attempt(5);
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      element.removeEventListener('playing', onPlaying);
      stop?.();
      setPlaying(false);
    };
  }, [name, live, h264, playToken]);

  return (
    <div className="live-preview" data-testid="live-preview" data-playing={playing ? 'webrtc' : 'picture'}>
      {children}
      <video ref={video} className={`live-preview-video${playing ? ' is-playing' : ''}`} muted playsInline aria-label={`${name}, live`} />
    </div>
  );
}
