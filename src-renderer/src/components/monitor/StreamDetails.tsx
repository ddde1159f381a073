import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { StreamInfo } from '../../../../src-main/contract/studio-api';
import { formatBytes, formatUptime } from '../../lib/format';
import { displayAddress } from '../../lib/stream-events';
import {
  audioLabel,
  formatAge,
  formatBitrate,
  formatCount,
  formatStartedAt,
  fpsLabel,
  hasKeyframeWarning,
  isLive,
  protocolLabel,
  resolutionLabel,
  videoCodecLabel,
} from '../../lib/stream-format';
import { maskCredentials } from '../../../../src-main/contract/mask-credentials';
import { useStudio } from '../../store';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { AlertIcon, CloseIcon, TrashIcon } from '../icons';
import { PlaybackPanel } from './PlaybackPanel';
import { PublishPanel } from './PublishPanel';
import { RecordingFilesPanel } from './RecordingFilesPanel';
import { RestreamPanel } from './RestreamPanel';
import { Sparkline } from './Sparkline';
import { StateChip } from './StateChip';
import { RenditionsPanel } from './RenditionsPanel';
import { StreamConfigForm } from './StreamConfigForm';
import { LivePreview } from './LivePreview';
import { StreamPreview } from './StreamPreview';
import { ViewerSessions } from './ViewerSessions';

/** The side panel for one stream: every figure, who watches and where to, where to publish, and its configuration. */
export function StreamDetails({ name, onClose }: { name: string; onClose(): void }) {
  const info = useStudio((s) => s.streamsByName[name]);
  const loaded = useStudio((s) => s.streamsLoaded);
  const deleteStream = useStudio((s) => s.deleteStream);
  const pushToast = useStudio((s) => s.pushToast);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const panelRef = useRef<HTMLElement>(null);

  // Opening moves focus into the panel (unless it came from a click that keeps it on the tile).
  useEffect(() => {
    const panel = panelRef.current;
    if (panel && document.activeElement?.closest('.stream-grid') === null) panel.focus({ preventScroll: true });
  }, []);

  return (
    <aside ref={panelRef} className="details" aria-label={`Stream ${name}`} data-testid="stream-details" data-stream={name} tabIndex={-1}>
      <header className="details-head">
        <div className="details-titles">
          <h2 className="details-name" title={name}>
            {name}
          </h2>
          {info?.title && <span className="details-title">{info.title}</span>}
        </div>
        {info && <StateChip state={info.state} />}
        <button type="button" className="icon-button" aria-label="Close details (Esc)" title="Close (Esc)" onClick={onClose}>
          <CloseIcon size={15} />
        </button>
      </header>

      {!info ? (
        <div className="details-body">
          <p className="muted">{loaded ? `${name} is not listed any more: it was deleted, or forgotten after its publisher left.` : 'Loading…'}</p>
        </div>
      ) : (
        <div className="details-body">
          {(info.state === 'failed' || info.state === 'reconnecting') && info.reason && (
            <div className={`callout ${info.state === 'failed' ? 'callout-danger' : 'callout-warning'}`} data-testid="stream-reason">
              <AlertIcon size={16} />
              <p>{maskCredentials(info.reason)}</p>
            </div>
          )}
          <LivePreview name={name} live={isLive(info.state)} h264={info.video?.codec === 'h264'} playToken={info.config?.playToken ?? null}>
            <StreamPreview
              name={name}
              live={isLive(info.state)}
              hasVideo={info.video !== null}
              idleLabel={info.state === 'idle' ? 'Offline' : info.state}
              playToken={info.config?.playToken ?? null}
              className="details-preview"
            />
          </LivePreview>
          <div className="details-rate">
            <Sparkline values={info.bitrateHistory} className="sparkline-large" />
            <div className="details-rate-figures">
              <span className="details-rate-now">{formatBitrate(info.bitrate.last1s)}</span>
              <span className="muted">{formatBitrate(info.bitrate.last10s)} avg 10 s</span>
            </div>
          </div>
          {info.warnings.length > 0 && (
            <div className="callout callout-warning" data-testid="stream-warnings">
              <AlertIcon size={16} />
              <ul className="plain-list warning-list">
                {info.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          )}
          <StreamFacts info={info} />
          <RenditionsPanel name={name} info={info} />
          <RecordingFilesPanel name={name} files={info.files} always={{ configured: info.config !== null, recordFiles: info.config?.recordFiles ?? null }} />
          <RestreamPanel name={name} info={info} />
          <ViewerSessions name={name} viewers={info.viewers} />
          <PlaybackPanel name={name} playToken={info.config?.playToken ?? null} hasArchive={info.dvr.recording || info.config?.dvr === true} />
          <PublishPanel name={name} config={info.config} />
          <StreamConfigForm name={name} config={info.config} />
          {info.configured && (
            <section className="details-section details-danger">
              <div>
                <span className="check-label">Delete this stream</span>
                <p className="help">Removes its configuration and stops its publisher or sources.</p>
              </div>
              <button type="button" className="button button-danger-quiet" data-testid="stream-delete" onClick={() => setConfirmDelete(true)}>
                <TrashIcon size={14} />
                Delete…
              </button>
            </section>
          )}
        </div>
      )}

      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${name}?`}
          confirmLabel="Delete stream"
          danger
          testId="stream-delete-dialog"
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await deleteStream(name);
            pushToast({ tone: 'success', text: `${name} deleted` });
          }}
        >
          <p>
            The configuration of <code>{name}</code> is removed and whatever feeds it now is stopped. Publishers can still use the name
            if it is under the open publishing prefix.
          </p>
        </ConfirmDialog>
      )}
    </aside>
  );
}

function Fact({ label, children, tone }: { label: string; children: ReactNode; tone?: 'warning' | 'danger' | 'muted' }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={tone ? `tone-${tone}` : undefined}>{children}</dd>
    </>
  );
}

function StreamFacts({ info }: { info: StreamInfo }) {
  const { video, audio, keyframeInterval: kf, errors } = info;
  const remote = displayAddress(info.remoteAddress);
  const gopWarning = hasKeyframeWarning(info.warnings);
  const live = isLive(info.state);
  const staleFrame = live && info.lastFrameAgeMs !== null && info.lastFrameAgeMs > 2000;

  return (
    <div className="details-facts" data-testid="stream-stats">
      <section className="details-section" aria-label="Input">
        <h3 className="details-heading">Input</h3>
        <dl className="facts facts-compact">
          <Fact label="Protocol">{protocolLabel(info.protocol) ?? '–'}</Fact>
          {remote && <Fact label="From">{remote}</Fact>}
          {info.sourceUrl && <Fact label="Source">{maskCredentials(info.sourceUrl)}</Fact>}
          <Fact label="Started">{info.startedAt ? <span title={info.startedAt}>{formatStartedAt(info.startedAt)}</span> : '–'}</Fact>
          <Fact label="Uptime">{live ? formatUptime(info.uptime) : '–'}</Fact>
          <Fact label="Frames in">{formatCount(info.framesIn)}</Fact>
          <Fact label="Bytes in">{formatBytes(info.bytesIn)}</Fact>
          <Fact label="Last frame" tone={staleFrame ? 'warning' : undefined}>
            {info.lastFrameAgeMs === null ? '–' : `${formatAge(info.lastFrameAgeMs)} ago`}
          </Fact>
        </dl>
      </section>

      <section className="details-section" aria-label="Video">
        <h3 className="details-heading">Video</h3>
        {video ? (
          <dl className="facts facts-compact">
            <Fact label="Codec">{videoCodecLabel(video)}</Fact>
            <Fact label="Resolution">{resolutionLabel(video)}</Fact>
            <Fact label="Measured">{fpsLabel(video.fps)}</Fact>
            <Fact label="Declared" tone={video.declaredFps === null ? 'muted' : undefined}>
              {video.declaredFps === null ? 'not declared' : fpsLabel(video.declaredFps)}
            </Fact>
            <Fact label="B-frames">{video.bFrames ? 'yes' : 'no'}</Fact>
          </dl>
        ) : (
          <p className="muted">No video track.</p>
        )}
      </section>

      <section className="details-section" aria-label="Keyframes">
        <h3 className="details-heading">Keyframes</h3>
        <dl className="facts facts-compact">
          <Fact label="Last interval">{kf.last === null ? '–' : `${kf.last.toFixed(2)} s`}</Fact>
          <Fact label="Average" tone={gopWarning && kf.average !== null ? 'warning' : undefined}>
            {kf.average === null ? '–' : `${kf.average.toFixed(2)} s`}
          </Fact>
          <Fact label="Regular" tone={kf.irregular ? 'warning' : undefined}>
            {kf.last === null ? '–' : kf.irregular ? 'no, irregular' : 'yes'}
          </Fact>
        </dl>
      </section>

      <section className="details-section" aria-label="Audio">
        <h3 className="details-heading">Audio</h3>
        {audio ? <p className="details-line">{audioLabel(audio)}</p> : <p className="muted">No audio track.</p>}
      </section>

      <section className="details-section" aria-label="Errors">
        <h3 className="details-heading">Errors</h3>
        <dl className="facts facts-compact" data-testid="stream-errors">
          <Fact label="Continuity" tone={errors.continuity > 0 ? 'danger' : 'muted'}>
            {formatCount(errors.continuity)}
          </Fact>
          <Fact label="Timestamp jumps" tone={errors.timestampJumps > 0 ? 'danger' : 'muted'}>
            {formatCount(errors.timestampJumps)}
          </Fact>
          <Fact label="Dropped frames" tone={errors.droppedFrames > 0 ? 'danger' : 'muted'}>
            {formatCount(errors.droppedFrames)}
          </Fact>
        </dl>
      </section>
    </div>
  );
}
