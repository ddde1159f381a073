import { useEffect, useRef } from 'react';
import { formatClock } from '../../lib/timeline/clock';
import { formatBitrate } from '../../lib/stream-format';
import { useStudio } from '../../store';
import type { DvrController, DvrSnapshot, LaneInfo } from '../../engine/dvr/dvr-controller';
import type { PlayerView } from '../../engine/dvr/archive-player';

/** The picture's quality: Auto (naming the variant it plays) or one variant by hand; shown when there is a choice. */
function QualityPicker({ controller, stream, view }: { controller: DvrController; stream: string; view: PlayerView }) {
  if (view.levels.length < 2) return null;
  const auto = view.playingHeight === null ? 'Auto' : `Auto (${view.playingHeight}p)`;
  return (
    <select
      className="video-quality"
      data-testid="dvr-quality"
      aria-label="Quality"
      title="Quality: Auto follows the connection; a size picked by hand stays for this camera"
      value={view.quality ?? ''}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => controller.setQuality(stream, e.target.value === '' ? null : Number(e.target.value))}
    >
      <option value="">{auto}</option>
      {[...view.levels].reverse().map((l, i) => (
        <option key={`${l.height}-${i}`} value={l.height}>
          {`${l.height}p · ${formatBitrate(l.bitrate)}`}
        </option>
      ))}
    </select>
  );
}

/** One camera's picture, its own frame time in the corner, and what it is waiting for. */
function PlayerTile({ controller, stream, active, multi, snapshot }: { controller: DvrController; stream: string; active: boolean; multi: boolean; snapshot: DvrSnapshot }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const timeRef = useRef<HTMLSpanElement>(null);
  const setActive = useStudio((s) => s.setDvrActive);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    return controller.attachPlayer(stream, video);
  }, [controller, stream]);

  // The frame's wall clock, written straight into the DOM every animation frame.
  useEffect(() => {
    let last = '';
    return controller.onFrame(() => {
      const el = timeRef.current;
      if (!el) return;
      const t = controller.laneTime(stream);
      const text = t === null ? '' : formatClock(t);
      if (text !== last) {
        el.textContent = text;
        last = text;
      }
    });
  }, [controller, stream]);

  const view = snapshot.players[stream];
  const status = view?.status ?? 'idle';
  let overlay: string | null = null;
  if (status === 'loading') overlay = 'Loading…';
  else if (status === 'no-recording') overlay = view?.live ? 'Not live right now' : 'No recording here';
  else if (status === 'error') overlay = view?.message ?? 'Cannot play';
  else if (status === 'idle' && !snapshot.hasPlayhead) overlay = 'Nothing recorded yet';

  return (
    <div
      className={`dvr-player${active && multi ? ' is-active' : ''}`}
      data-testid="dvr-player"
      data-stream={stream}
      data-status={status}
      onClick={() => setActive(stream)}
    >
      <video ref={videoRef} className="dvr-video" playsInline disablePictureInPicture />
      {overlay && (
        <div className={`dvr-player-overlay${status === 'loading' ? ' is-quiet' : ''}`} title={view?.message ?? undefined}>
          {status === 'loading' && <span className="spinner spinner-small" aria-hidden="true" />}
          <span>{overlay}</span>
          {status === 'no-recording' && view?.message && <span className="dvr-player-detail">{view.message}</span>}
        </div>
      )}
      {multi && <span className="dvr-player-name">{stream}</span>}
      <span className="dvr-player-time" ref={timeRef} data-testid="dvr-player-time" />
      {snapshot.live && <span className="dvr-player-live">LIVE</span>}
      {view && <QualityPicker controller={controller} stream={stream} view={view} />}
    </div>
  );
}

/** The pictures: one large, or a grid of up to four cameras in sync. */
export function DvrPlayers({ controller, lanes, active, snapshot }: { controller: DvrController; lanes: LaneInfo[]; active: string | null; snapshot: DvrSnapshot }) {
  const multi = lanes.length > 1;
  return (
    <div className={`dvr-stage dvr-stage-${Math.min(lanes.length, 4)}`}>
      {lanes.map((lane) => (
        // A new play token means new URLs: the player starts afresh.
        <PlayerTile key={`${lane.stream}\u0000${lane.token ?? ''}`} controller={controller} stream={lane.stream} active={lane.stream === active} multi={multi} snapshot={snapshot} />
      ))}
    </div>
  );
}
