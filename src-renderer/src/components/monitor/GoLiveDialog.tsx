import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { formatBitrate } from '../../lib/stream-format';
import { publishWhip, type WhipPublisher } from '../../lib/whip-client';
import { Modal } from '../common/Modal';

type Source = 'camera' | 'screen';

/**
 * Go live from this browser: camera (with microphone) or screen, a preview, and one
 * button that publishes it by WHIP to live/NAME; bitrate and state while it runs.
 */
export function GoLiveDialog({ onClose }: { onClose(): void }) {
  const [source, setSource] = useState<Source>('camera');
  const [name, setName] = useState('live/browser');
  const [key, setKey] = useState('');
  const [media, setMedia] = useState<MediaStream | null>(null);
  const [publisher, setPublisher] = useState<WhipPublisher | null>(null);
  const [status, setStatus] = useState<{ bitrate: number; state: string; videoCodec: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preview = useRef<HTMLVideoElement>(null);
  const secure = window.isSecureContext && navigator.mediaDevices !== undefined;
  const onThisMachine = /^(localhost|127\.|\[::1\]$)/.test(window.location.hostname);
  // On plain HTTP from another host: where this page is over HTTPS, when the studio has it on.
  const [secureUrl, setSecureUrl] = useState<string | null>(null);
  useEffect(() => {
    if (secure) return;
    api.health().then(
      (health) => setSecureUrl(health.httpsPort ? `https://${window.location.hostname}:${health.httpsPort}${window.location.pathname}${window.location.hash}` : null),
      () => undefined,
    );
  }, [secure]);

  // The chosen source, previewed; asked for again when the choice changes.
  useEffect(() => {
    if (!secure) return;
    let stopped = false;
    let taken: MediaStream | null = null;
    const ask = source === 'camera' ? navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio: true }) : navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    ask.then(
      (stream) => {
        taken = stream;
        if (stopped) stream.getTracks().forEach((t) => t.stop());
        else {
          setMedia(stream);
          setError(null);
        }
      },
      (err: unknown) => !stopped && setError(`No ${source}: ${errorMessage(err)}`),
    );
    return () => {
      stopped = true;
      taken?.getTracks().forEach((t) => t.stop());
    };
  }, [source, secure]);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = media;
  }, [media]);

  useEffect(() => {
    if (!publisher) return;
    const timer = setInterval(() => void publisher.stats().then(setStatus), 1000);
    return () => clearInterval(timer);
  }, [publisher]);

  useEffect(() => () => void publisher?.stop(), [publisher]);

  const start = async () => {
    if (!media) return;
    setBusy(true);
    try {
      setPublisher(await publishWhip(name.trim(), media, key.trim() || null));
      setError(null);
    } catch (err) {
      setError(`Not live: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    await publisher?.stop();
    setPublisher(null);
    setStatus(null);
  };

  return (
    <Modal title="Go live from this browser" onClose={onClose} className="dialog-wide" testId="go-live">
      {!secure ? (
        <div className="go-live-insecure" data-testid="go-live-insecure">
          <p className="help help-warning">This page came over plain HTTP from another machine, so the browser gives it no camera or screen.</p>
          {secureUrl ? (
            <p className="help">
              Open it over HTTPS: <a href={secureUrl} data-testid="go-live-https">{secureUrl}</a>. The studio signs its own certificate: accept it once in this browser.
            </p>
          ) : (
            <p className="help">Ask the studio's owner to turn HTTPS on (Settings → Network), then open this page over it.</p>
          )}
        </div>
      ) : (
        <div className="go-live">
          <video ref={preview} className="go-live-preview" autoPlay muted playsInline data-testid="go-live-preview" />
          <div className="go-live-form">
            <div className="segmented" role="radiogroup" aria-label="Source">
              {(['camera', 'screen'] as const).map((s) => (
                <button key={s} type="button" role="radio" aria-checked={source === s} className="segment" disabled={publisher !== null} onClick={() => setSource(s)}>
                  <span className="segment-label">{s === 'camera' ? 'Camera' : 'Screen'}</span>
                </button>
              ))}
            </div>
            <label className="form-field">
              <span className="field-label">Stream</span>
              <input className="input input-mono" value={name} disabled={publisher !== null} onChange={(e) => setName(e.target.value)} data-testid="go-live-name" />
            </label>
            <label className="form-field">
              <span className="field-label">Publish key or stream password</span>
              <input className="input" type="password" value={key} placeholder={onThisMachine ? 'Not needed on this machine' : 'Needed from another machine'} disabled={publisher !== null} onChange={(e) => setKey(e.target.value)} />
            </label>
            {publisher ? (
              <button type="button" className="button button-danger" onClick={() => void stop()} data-testid="go-live-stop">
                Stop
              </button>
            ) : (
              <button type="button" className="button button-primary" disabled={!media || busy} onClick={() => void start()} data-testid="go-live-start">
                Go live
              </button>
            )}
            {status && (
              <p className="help" data-testid="go-live-status" data-state={status.state}>
                {status.state === 'connected' ? 'Live' : status.state} · {formatBitrate(status.bitrate)}
                {status.videoCodec ? ` · ${status.videoCodec}` : ''}
              </p>
            )}
            {error && <p className="help help-warning">{error}</p>}
            <p className="help">OBS 30 and later can publish here too: Settings → Stream → Service <b>WHIP</b>, Server <code>{`${location.origin}/${name}/whip`}</code>, Bearer Token the publish key.</p>
          </div>
        </div>
      )}
    </Modal>
  );
}
