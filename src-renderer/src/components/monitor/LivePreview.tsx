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
    const onPlaying = () => setPlaying(true);
    element.addEventListener('playing', onPlaying);
    playWhep(name, element, { token: playToken, preview: true }).then(
      (player) => {
        if (stopped) player.stop();
        else stop = () => player.stop();
      },
      () => undefined,
    );
    return () => {
      stopped = true;
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
