import { useState } from 'react';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { useStudio } from '../../store';
import { Modal } from '../common/Modal';

const canvases = [
  { label: '1280×720 (720p)', width: 1280, height: 720 },
  { label: '1920×1080 (1080p)', width: 1920, height: 1080 },
  { label: '854×480 (480p)', width: 854, height: 480 },
  { label: '1080×1920 (vertical)', width: 1080, height: 1920 },
] as const;

/** A new mix: its stream name, canvas and rate, and the live streams it starts with (side by side). */
export function NewMixDialog({ onClose, onCreated }: { onClose(): void; onCreated(name: string): void }) {
  const streams = useStudio((s) => s.streamsByName);
  const [name, setName] = useState('live/show');
  const [canvas, setCanvas] = useState(0);
  const [fps, setFps] = useState(30);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const live = Object.values(streams)
    .filter((s) => s.state === 'publishing' || s.state === 'pulling')
    .map((s) => s.name)
    .sort();

  const create = async () => {
    const { width, height } = canvases[canvas]!;
    // Two live streams to start with, side by side; the editor moves them from there.
    const inputs = live.slice(0, 2).map((source, i) => ({ source, x: i * (width / 2), y: height / 4, w: width / 2, h: height / 2, z: i }));
    setBusy(true);
    try {
      await api.createMix({ name: name.trim(), width: width - (width % 2), height, fps, background: '#101010', inputs });
      onCreated(name.trim());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="New mix" onClose={onClose} testId="mix-new-dialog" busy={busy}>
      <form
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <div className="dialog-body">
          <label className="form-field">
            <span className="field-label">Stream name of the mix</span>
            <input className="input input-mono" value={name} onChange={(e) => setName(e.target.value)} data-testid="mix-new-name" autoFocus spellCheck={false} />
          </label>
          <div className="mix-new-canvas">
            <label className="form-field">
              <span className="field-label">Canvas</span>
              <select className="input select" value={canvas} onChange={(e) => setCanvas(Number(e.target.value))}>
                {canvases.map((c, i) => (
                  <option key={c.label} value={i}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="form-field">
              <span className="field-label">Frame rate</span>
              <select className="input select" value={fps} onChange={(e) => setFps(Number(e.target.value))}>
                {[25, 30, 50, 60].map((r) => (
                  <option key={r} value={r}>
                    {r} fps
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="help">{live.length > 0 ? `Starts with ${live.slice(0, 2).join(' and ')} side by side; add and arrange inputs in the editor.` : 'No stream is live now: the mix starts empty, add inputs in the editor.'}</p>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="mix-new-create">
            Create mix
          </button>
        </div>
      </form>
    </Modal>
  );
}
