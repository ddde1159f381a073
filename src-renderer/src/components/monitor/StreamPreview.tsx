import type { ReactNode } from 'react';
import { streamFileUrl } from '../../lib/stream-name';
import { MonitorIcon } from '../icons';
import { useRefreshingPicture } from '../common/use-refreshing-picture';

const REFRESH_MS = 2000;

interface StreamPreviewProps {
  name: string;
  /** Frames are arriving: refresh the picture. Otherwise the last one stays, dimmed. */
  live: boolean;
  /** Only a stream with a video track has pictures; audio-only ones are never asked. */
  hasVideo: boolean;
  /** Shown over the box when there is no picture, or over a dimmed one when not live. */
  idleLabel: string;
  /** The stream's play token: a locked stream's picture is guarded like its playback. */
  playToken?: string | null;
  className?: string;
  /** Marks laid over the picture's corner (e.g. the lock of a stream with a play token). */
  children?: ReactNode;
}

/**
 * The latest keyframe as a JPEG in a 16:9 letterbox. Each refresh loads off-screen
 * and replaces the picture only once it has arrived, so a slow or failed load (404
 * while there is no keyframe yet) never flashes a broken image.
 */
export function StreamPreview({ name, live, hasVideo, idleLabel, playToken = null, className, children }: StreamPreviewProps) {
  const base = streamFileUrl(name, 'preview.jpg');
  const tokenQuery = playToken ? `&token=${encodeURIComponent(playToken)}` : '';
  // Whole refresh steps in the URL: tiles mounted together ask for the same picture. Not
  // live: one try (the studio keeps the last keyframe), then the picture holds still.
  const picture = useRefreshingPicture(name, hasVideo ? (step) => `${base}?t=${step}${tokenQuery}` : null, live, REFRESH_MS);
  return (
    <div className={`preview${live ? '' : ' is-idle'}${className ? ` ${className}` : ''}`} data-testid="stream-preview">
      {picture ? (
        <img className="preview-img" src={picture} alt={`Latest keyframe of ${name}`} draggable={false} />
      ) : (
        <div className="preview-empty" aria-hidden="true">
          <MonitorIcon size={22} />
        </div>
      )}
      {(!live || !picture) && (
        <span className="preview-label">{picture || !live ? idleLabel : hasVideo ? 'Waiting for a keyframe' : 'No video'}</span>
      )}
      {children}
    </div>
  );
}
