import { memo, type KeyboardEvent } from 'react';
import { formatUptime } from '../../lib/format';
import { displayAddress } from '../../lib/stream-events';
import {
  audioLabel,
  errorSummary,
  formatBitrate,
  fpsLabel,
  gopLabel,
  hasKeyframeWarning,
  isLive,
  protocolLabel,
  resolutionLabel,
  videoCodecLabel,
} from '../../lib/stream-format';
import { maskCredentials } from '../../../../src-main/contract/mask-credentials';
import { useStudio } from '../../store';
import { AlertIcon, EyeIcon, LockIcon } from '../icons';
import { Sparkline } from './Sparkline';
import { StateChip } from './StateChip';
import { FileRecBadge, RecBadge } from './RecBadge';
import { StreamPreview } from './StreamPreview';

interface StreamTileProps {
  name: string;
  /** The tile that takes Tab focus in the grid (roving tabindex). */
  tabbable: boolean;
  selected: boolean;
  onOpen(name: string): void;
  onFocus(name: string): void;
}

/** One stream at a glance: picture, state, what arrives and how healthy it is. Updates every second. */
export const StreamTile = memo(function StreamTile({ name, tabbable, selected, onOpen, onFocus }: StreamTileProps) {
  const info = useStudio((s) => s.streamsByName[name]);
  if (!info) return null;

  const live = isLive(info.state);
  const { video, audio } = info;
  const reason = info.reason === null ? null : maskCredentials(info.reason);
  const showReason = (info.state === 'failed' || info.state === 'reconnecting') && reason;
  const protocol = protocolLabel(info.protocol);
  const where = displayAddress(info.remoteAddress) ?? (info.sourceUrl ? maskCredentials(info.sourceUrl) : null);
  const sources = info.config?.sources ?? [];
  const firstSource = [...sources].sort((a, b) => a.priority - b.priority)[0];
  // Not connected yet: what it will be, dimmed.
  const badge = protocol ?? (firstSource ? (/^file:/i.test(firstSource.url) ? 'FILE' : 'PULL') : null);
  // Not connected: the source it pulls from, else why it stopped, else what it waits for.
  const whereText =
    where ??
    (firstSource
      ? `${maskCredentials(firstSource.url)}${sources.length > 1 ? ` +${sources.length - 1}` : ''}`
      : info.state === 'idle' && reason
        ? reason
        : info.configured
          ? 'waiting for a publisher'
          : 'not connected');
  const gopWarning = hasKeyframeWarning(info.warnings);
  const errors = errorSummary(info.errors);
  const idleLabel = info.state === 'idle' ? 'Offline' : info.state === 'failed' ? 'Failed' : info.state === 'reconnecting' ? 'Reconnecting…' : 'No picture';

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(name);
    }
  };

  return (
    <div
      className={`tile tile-${info.state}${selected ? ' is-selected' : ''}`}
      role="button"
      tabIndex={tabbable ? 0 : -1}
      aria-label={`${name}${info.title ? ` (${info.title})` : ''}: ${info.state}. Open details`}
      aria-pressed={selected}
      data-testid="stream-tile"
      data-stream={name}
      data-state={info.state}
      onClick={() => onOpen(name)}
      onFocus={() => onFocus(name)}
      onKeyDown={onKeyDown}
    >
      <StreamPreview name={name} live={live} hasVideo={video !== null} idleLabel={idleLabel} playToken={info.config?.playToken ?? null}>
        {info.config?.playToken && (
          <span className="preview-lock" title="Playback needs the play token" aria-label="Playback needs the play token" data-testid="stream-tile-locked">
            <LockIcon size={12} />
          </span>
        )}
        <FileRecBadge files={info.files} />
      </StreamPreview>
      {/* Not live: the figures are the last ones seen, so they step back. */}
      <div className={`tile-body${live ? '' : ' is-stale'}`}>
        <div className="tile-head">
          <div className="tile-names">
            <span className="tile-name" title={name}>
              {name}
            </span>
            {info.title && (
              <span className="tile-title" title={info.title}>
                {info.title}
              </span>
            )}
          </div>
          {info.warnings.length > 0 && (
            <span className="tile-warning" title={info.warnings.join('\n\n')} aria-label={`Warnings: ${info.warnings.join(' ')}`} data-testid="stream-tile-warning">
              <AlertIcon size={15} />
            </span>
          )}
          {info.state !== 'idle' && <RecBadge dvr={info.dvr} />}
          <StateChip state={info.state} />
        </div>

        {showReason && (
          <p className={`tile-reason tone-${info.state === 'failed' ? 'danger' : 'warning'}`} title={reason ?? undefined}>
            {reason}
          </p>
        )}

        <div className="tile-line tile-source">
          {badge && <span className={`badge badge-quiet tile-protocol${protocol ? '' : ' is-off'}`}>{badge}</span>}
          <span className={`tile-where${where || firstSource ? '' : ' is-note'}`} title={whereText}>
            {whereText}
          </span>
          {live && info.uptime > 0 && <span className="tile-uptime">{formatUptime(info.uptime)}</span>}
        </div>

        <div className={`tile-line tile-video${video ? '' : ' is-empty'}`}>
          {video ? (
            <>
              <span data-testid="stream-tile-resolution">{resolutionLabel(video)}</span>
              <span className="sep">·</span>
              <span data-testid="stream-tile-fps">{fpsLabel(video.fps)}</span>
              <span className="sep">·</span>
              <span data-testid="stream-tile-codec" className="tile-codec" title={videoCodecLabel(video)}>
                {videoCodecLabel(video)}
              </span>
            </>
          ) : (
            <span data-testid="stream-tile-resolution">No video</span>
          )}
        </div>
        <div className={`tile-line tile-audio${audio ? '' : ' is-empty'}`} data-testid="stream-tile-audio">
          {audio ? audioLabel(audio) : 'No audio'}
        </div>

        <div className="tile-rate">
          <Sparkline values={info.bitrateHistory} />
          <span className="tile-bitrate" data-testid="stream-tile-bitrate">
            {formatBitrate(info.bitrate.last1s)}
          </span>
        </div>

        <div className="tile-line tile-foot">
          <span
            className={gopWarning ? 'text-warning' : undefined}
            data-testid="stream-tile-gop"
            title={info.keyframeInterval.average !== null ? `Average keyframe interval over recent GOPs` : 'No keyframe interval measured yet'}
          >
            {gopLabel(info.keyframeInterval.average ?? info.keyframeInterval.last)}
          </span>
          <span
            className={`tile-viewers${info.viewers === 0 ? ' is-zero' : ''}`}
            title={info.viewers === 1 ? '1 viewer watching' : `${info.viewers} viewers watching`}
            aria-label={`${info.viewers} viewers`}
            data-testid="stream-tile-viewers"
            data-viewers={info.viewers}
          >
            <EyeIcon size={13} />
            {info.viewers}
          </span>

          {errors.length > 0 && (
            <span className="tile-errors" data-testid="stream-tile-errors" title="Input errors since the source connected">
              {errors.map((e) => `${e.count} ${e.label}`).join(' · ')}
            </span>
          )}
        </div>
      </div>
    </div>
  );
});
