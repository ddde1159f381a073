import type { StreamDraft } from '../../lib/stream-draft';

type SwitchKey = 'publishEnabled' | 'takeover' | 'loop' | 'playlist' | 'dvr';

const switches: Record<SwitchKey, { label: string; help: string }> = {
  publishEnabled: { label: 'Accept publishers', help: 'RTMP, SRT and MPEG-TS over HTTP may push to this name.' },
  takeover: { label: 'Takeover', help: 'A second publisher replaces the first instead of being refused.' },
  loop: { label: 'Loop', help: 'file:// sources start again at the end, as a never-ending live stream.' },
  playlist: { label: 'Playlist', help: 'The file sources play one after another in priority order, instead of standing in for each other.' },
  dvr: { label: 'Record', help: 'Keep this stream in the DVR archive.' },
};

/** The on/off options of a stream, shared by the add dialog and the details form. */
export function StreamSwitches({ draft, edit, show }: { draft: StreamDraft; edit: (change: Partial<StreamDraft>) => void; show: readonly SwitchKey[] }) {
  return (
    <div className="check-list">
      {show.map((key) => (
        <label className="check" key={key}>
          <input type="checkbox" checked={draft[key]} onChange={(event) => edit({ [key]: event.target.checked })} />
          <span>
            <span className="check-label">{switches[key].label}</span>
            <span className="help">{switches[key].help}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
