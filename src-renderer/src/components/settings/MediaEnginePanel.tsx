import type { FfmpegStatus } from '../../../../src-main/contract/studio-api';
import { formatTimestamp, plural } from '../../lib/format';
import { useStudio } from '../../store';
import { isProbing } from '../../store/system.slice';
import { AlertIcon, RefreshIcon } from '../icons';
import { EncodersTable } from './EncodersTable';

type Available = Extract<FfmpegStatus, { available: true }>;

const sourceNames: Record<Available['source'], string> = {
  setting: 'ffmpeg path setting',
  env: 'FFMPEG_PATH',
  bundled: 'bundled with Framehouse',
  path: 'found on PATH',
  'package-manager': 'Homebrew or MacPorts',
};

/** Which ffmpeg the studio uses and which encoders passed a real test encode. */
export function MediaEnginePanel() {
  const ffmpeg = useStudio((s) => s.ffmpeg);
  const probing = useStudio(isProbing);
  const probeError = useStudio((s) => s.probeError);
  const reprobe = useStudio((s) => s.reprobeEncoders);

  return (
    <section className="panel" aria-labelledby="media-engine-title" data-testid="media-engine">
      <div className="panel-head">
        <h2 className="panel-title" id="media-engine-title">
          Media engine
        </h2>
        <button
          type="button"
          className="button"
          data-testid="encoders-reprobe"
          disabled={probing}
          aria-busy={probing}
          onClick={() => void reprobe()}
        >
          {probing ? <span className="spinner spinner-small" aria-hidden="true" /> : <RefreshIcon size={14} />}
          {probing ? 'Probing encoders…' : 'Re-probe encoders'}
        </button>
      </div>
      {probing && <div className="progress-indeterminate" role="progressbar" aria-label="Probing encoders" data-testid="encoders-probing" />}
      <div className="panel-body">
        {probeError && (
          <p className="field-error" role="alert">
            Re-probe failed: {probeError}
          </p>
        )}
        {!ffmpeg ? (
          <p className="muted">Loading…</p>
        ) : ffmpeg.available ? (
          <EngineDetails ffmpeg={ffmpeg} probing={probing} />
        ) : (
          <div className="callout callout-danger" data-testid="ffmpeg-missing">
            <AlertIcon size={16} />
            <div>
              <strong>ffmpeg missing</strong>
              <p>{ffmpeg.reason}</p>
              <p className="help">
                Set the ffmpeg path above, set FFMPEG_PATH before starting the studio, or install ffmpeg so it is on
                PATH. Live ingest, DVR and export work without it; transcoding, thumbnails and the mixer do not.
              </p>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function EngineDetails({ ffmpeg, probing }: { ffmpeg: Available; probing: boolean }) {
  const working = ffmpeg.encoders.filter((e) => e.works).length;
  return (
    <>
      <dl className="facts">
        <dt>Version</dt>
        <dd data-testid="ffmpeg-version">{ffmpeg.version}</dd>
        <dt>Path</dt>
        <dd className="mono" data-testid="ffmpeg-path">
          {ffmpeg.path}
        </dd>
        <dt>Source</dt>
        <dd>{sourceNames[ffmpeg.source]}</dd>
        <dt>ffprobe</dt>
        <dd className={ffmpeg.ffprobePath ? 'mono' : 'text-warning'}>{ffmpeg.ffprobePath ?? 'not found'}</dd>
        <dt>Encoders</dt>
        <dd>
          {ffmpeg.probedAt
            ? `${working} of ${plural(ffmpeg.encoders.length, 'encoder')} work · tested ${formatTimestamp(ffmpeg.probedAt)}`
            : probing
              ? 'Testing…'
              : 'Not tested yet'}
        </dd>
      </dl>

      {ffmpeg.skipped.length > 0 && (
        <div className="callout callout-warning">
          <AlertIcon size={16} />
          <div>
            <strong>Passed over</strong>
            <ul className="plain-list">
              {ffmpeg.skipped.map((s) => (
                <li key={s.path}>
                  <span className="mono">{s.path}</span> — {s.reason}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}

      {ffmpeg.encoders.length > 0 ? (
        <EncodersTable encoders={ffmpeg.encoders} />
      ) : (
        <p className="muted">{probing ? 'Running a short test encode with each encoder…' : 'No encoders tested yet.'}</p>
      )}
    </>
  );
}
