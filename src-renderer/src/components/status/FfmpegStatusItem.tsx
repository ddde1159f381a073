import type { FfmpegStatus } from '../../../../src-main/contract/studio-api';
import { plural, shortFfmpegVersion } from '../../lib/format';
import { useStudio } from '../../store';
import { isProbing } from '../../store/system.slice';

export function FfmpegStatusItem() {
  const ffmpeg = useStudio((s) => s.ffmpeg);
  const probing = useStudio(isProbing);
  const setSection = useStudio((s) => s.setSection);

  if (!ffmpeg) {
    return (
      <span className="status-item status-muted" data-testid="status-ffmpeg">
        ffmpeg –
      </span>
    );
  }

  if (!ffmpeg.available) {
    return (
      <button
        type="button"
        className="status-item status-button status-danger"
        data-testid="status-ffmpeg"
        data-available="false"
        title={ffmpeg.reason}
        onClick={() => setSection('settings')}
      >
        ffmpeg missing
      </button>
    );
  }

  return (
    <button
      type="button"
      className="status-item status-button"
      data-testid="status-ffmpeg"
      data-available="true"
      title={`${ffmpeg.path}\nffmpeg ${ffmpeg.version}`}
      onClick={() => setSection('settings')}
    >
      {`ffmpeg ${shortFfmpegVersion(ffmpeg.version)} · ${probing && ffmpeg.encoders.length === 0 ? 'probing encoders…' : encoderSummary(ffmpeg)}`}
    </button>
  );
}

/** "2 H.264 encoders, 0 hardware": the encoders that passed their test encode. */
function encoderSummary(ffmpeg: Extract<FfmpegStatus, { available: true }>): string {
  const h264 = ffmpeg.encoders.filter((e) => e.codec === 'h264' && e.works);
  const hardware = h264.filter((e) => e.hardware).length;
  return `${plural(h264.length, 'H.264 encoder')}, ${hardware} hardware`;
}
