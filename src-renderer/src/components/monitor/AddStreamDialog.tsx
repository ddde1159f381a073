import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api/api-error';
import { buildCreate, emptyDraft, noErrors, type DraftErrors, type StreamDraft } from '../../lib/stream-draft';
import { withoutBodyPrefix } from '../../lib/settings-draft';
import { streamNameProblem } from '../../lib/stream-name';
import { listensBeyondLoopback } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { Modal } from '../common/Modal';
import { PlayTokenField } from './PlayTokenField';
import { SourcesEditor, SourcesHelp } from './SourcesEditor';
import { StreamSwitches } from './StreamSwitches';

/** Configures a new stream: a name publishers may use, or sources the studio pulls. */
export function AddStreamDialog() {
  const close = useStudio((s) => s.setAddStreamOpen);
  const createStream = useStudio((s) => s.createStream);
  const openStream = useStudio((s) => s.openStream);
  const pushToast = useStudio((s) => s.pushToast);
  const prefix = useStudio((s) => s.settingsView?.settings.publishPrefix ?? 'live/');
  // Beyond this machine, publishers without the stream's password need the studio key.
  const lanKey = useStudio((s) => {
    const st = s.settingsView?.settings;
    return st && listensBeyondLoopback(st.host) && st.lanPublish === 'key' && st.publishKey !== '' ? st.publishKey : null;
  });

  const [name, setName] = useState('');
  const [draft, setDraft] = useState<StreamDraft>(emptyDraft);
  const [errors, setErrors] = useState<DraftErrors>(noErrors);
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const edit = (change: Partial<StreamDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setServerError(null);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const built = buildCreate(name, draft);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors(noErrors());
    setServerError(null);
    setBusy(true);
    try {
      const info = await createStream(built.body);
      close(false);
      openStream(info.name);
      pushToast({ tone: 'success', text: `${info.name} added`, stream: info.name });
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 409
          ? `${built.body.name} already exists. Choose another name, or open ${built.body.name} to change it.`
          : err instanceof ApiError
            ? withoutBodyPrefix(err.detail || err.message)
            : errorMessage(err);
      setServerError(message);
      setBusy(false);
    }
  };

  const nameError = errors.name;
  // The typed name as OBS will be given it, or the placeholder's.
  const shownName = name.trim() || `${prefix}cam2`;
  const slash = shownName.indexOf('/');
  const rtmpApp = slash > 0 ? shownName.slice(0, slash) : shownName;
  const rtmpKey = slash > 0 ? shownName.slice(slash + 1) : 'KEY';
  return (
    <Modal title="Add stream" onClose={() => close(false)} className="dialog-wide" testId="add-stream-dialog" busy={busy}>
      <form className="dialog-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <div className="dialog-body">
          <div className="form-field">
            <label className="field-label" htmlFor="add-stream-name">
              Name
            </label>
            <input
              id="add-stream-name"
              className="input input-mono"
              data-testid="add-stream-name"
              value={name}
              placeholder={`${prefix}cam2`}
              spellCheck={false}
              autoComplete="off"
              autoFocus
              aria-invalid={nameError ? true : undefined}
              aria-describedby="add-stream-name-help"
              onChange={(event) => {
                setName(event.target.value);
                setServerError(null);
                // Once a problem was shown, follow the typing so it goes away as soon as it is fixed.
                if (nameError) setErrors((e) => ({ ...e, name: streamNameProblem(event.target.value.trim()) ?? undefined }));
              }}
            />
            {nameError ? (
              // Whatever stops the submit carries the add-stream-error id: this, a source row, or the server's answer.
              <p className="field-error" role="alert" data-testid="add-stream-error">
                {nameError}
              </p>
            ) : (
              <p className="help" id="add-stream-name-help">
                Letters, digits, <code>_ - .</code> and <code>/</code> between parts. Over RTMP the first part is the
                app and the rest the stream key: <code>{rtmpApp}</code> + <code>{rtmpKey}</code>.
              </p>
            )}
          </div>

          <div className="form-field">
            <label className="field-label" htmlFor="add-stream-title">
              Title <span className="muted">(optional)</span>
            </label>
            <input
              id="add-stream-title"
              className="input"
              value={draft.title}
              placeholder="Stage left camera"
              onChange={(event) => edit({ title: event.target.value })}
            />
            {errors.title && <p className="field-error">{errors.title}</p>}
          </div>

          <div className="form-field">
            <span className="field-label">Sources</span>
            <SourcesEditor
              rows={draft.sources}
              onChange={(sources) => edit({ sources })}
              errors={errors.sources}
              urlTestId="add-stream-source-url"
              errorTestId={nameError ? undefined : 'add-stream-error'}
              idPrefix="add-stream"
            />
            <SourcesHelp />
          </div>

          <div className="form-field">
            <label className="field-label" htmlFor="add-stream-password">
              Publish password <span className="muted">(optional)</span>
            </label>
            <input
              id="add-stream-password"
              className="input"
              type="password"
              value={draft.newPassword}
              autoComplete="new-password"
              placeholder="No password"
              onChange={(event) => edit({ newPassword: event.target.value })}
            />
            {errors.password ? (
              <p className="field-error">{errors.password}</p>
            ) : (
              <p className="help">
                Publishers add it to the stream key: <code>{rtmpKey}?password=…</code>
                {lanKey && draft.newPassword === '' && (
                  <span data-testid="add-stream-lan-key">
                    {' '}
                    Without one, encoders on other computers use the studio publish key: <code>{`${rtmpKey}?key=${lanKey}`}</code>
                  </span>
                )}
              </p>
            )}
          </div>

          <PlayTokenField
            id="add-stream-play-token"
            testId="add-stream-play-token"
            value={draft.playToken}
            error={errors.playToken}
            onChange={(playToken) => {
              edit({ playToken });
              if (errors.playToken) setErrors((e) => ({ ...e, playToken: undefined }));
            }}
          />

          <StreamSwitches draft={draft} edit={edit} show={['takeover', 'loop', 'playlist', 'dvr']} />

          {serverError && (
            <div className="callout callout-danger" role="alert" data-testid="add-stream-error">
              <div>
                <strong>The studio did not add the stream</strong>
                <p>{serverError}</p>
              </div>
            </div>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => close(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" data-testid="add-stream-submit" disabled={busy}>
            {busy && <span className="spinner spinner-small" aria-hidden="true" />}
            Add stream
          </button>
        </div>
      </form>
    </Modal>
  );
}
