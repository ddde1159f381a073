import { useState, type FormEvent } from 'react';
import type { StreamConfigView } from '../../../../src-main/contract/studio-api';
import { ApiError, errorMessage } from '../../api/api-error';
import { withoutBodyPrefix } from '../../lib/settings-draft';
import { buildStreamPatch, draftFromConfig, isDraftDirty, noErrors, type DraftErrors, type StreamDraft } from '../../lib/stream-draft';
import { useStudio } from '../../store';
import { PlayTokenField } from './PlayTokenField';
import { SourcesEditor, SourcesHelp } from './SourcesEditor';
import { StreamSwitches } from './StreamSwitches';

/** Keyed by content: a configuration that changed elsewhere is a new base for the form. */
const configKey = (config: StreamConfigView | null) => JSON.stringify(config);

/**
 * The stream's configuration, saved with PUT (only the fields that changed). A
 * stream that is only published gets a configuration when saved. The password is
 * write-only: the form says whether one is set, never what it is.
 */
export function StreamConfigForm({ name, config }: { name: string; config: StreamConfigView | null }) {
  const saveStream = useStudio((s) => s.saveStream);
  const prefix = useStudio((s) => s.settingsView?.settings.publishPrefix ?? 'live/');

  const [base, setBase] = useState(config);
  const [draft, setDraft] = useState<StreamDraft>(() => draftFromConfig(config));
  const [errors, setErrors] = useState<DraftErrors>(noErrors);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  // Changed elsewhere (another window, or our own save coming back) while the form is untouched: follow it.
  if (configKey(config) !== configKey(base) && !isDraftDirty(draft, base)) {
    setBase(config);
    setDraft(draftFromConfig(config));
  }

  const dirty = isDraftDirty(draft, base);
  const configured = config !== null;
  const passwordSet = config?.publishPasswordSet === true;

  const edit = (change: Partial<StreamDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setServerError(null);
    setSaved(false);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (saving) return;
    const built = buildStreamPatch(draft, config);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors(noErrors());
    if (configured && Object.keys(built.patch).length === 0) return;
    setSaving(true);
    try {
      const info = await saveStream(name, built.patch);
      setBase(info.config);
      setDraft(draftFromConfig(info.config));
      setSaved(true);
    } catch (err) {
      setServerError(err instanceof ApiError ? withoutBodyPrefix(err.detail || err.message) : errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const revert = () => {
    setDraft(draftFromConfig(config));
    setBase(config);
    setErrors(noErrors());
    setServerError(null);
  };

  return (
    <form className="details-section config-form" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="config-title" data-testid="stream-config">
      <h3 className="details-heading" id="config-title">
        Configuration
      </h3>
      {!configured && (
        <p className="help">
          Published under <code>{prefix}</code> without a configuration: it is forgotten a few minutes after the publisher
          stops. Saving keeps it, with the settings below.
        </p>
      )}

      <div className="form-field">
        <label className="field-label" htmlFor="config-title-input">
          Title
        </label>
        <input
          id="config-title-input"
          className="input"
          value={draft.title}
          placeholder="No title"
          data-testid="stream-config-title"
          onChange={(event) => edit({ title: event.target.value })}
        />
        {errors.title && <p className="field-error">{errors.title}</p>}
      </div>

      <div className="form-field">
        <span className="field-label">Sources</span>
        <SourcesEditor rows={draft.sources} onChange={(sources) => edit({ sources })} errors={errors.sources} idPrefix="config" urlTestId="stream-config-source-url" />
        <SourcesHelp />
      </div>

      <div className="form-field">
        <label className="field-label" htmlFor="config-password">
          Publish password{' '}
          <span className={passwordSet ? 'badge badge-accent' : 'badge badge-quiet'} data-testid="stream-password-state">
            {passwordSet ? 'set' : 'not set'}
          </span>
        </label>
        <div className="input-row">
          <input
            id="config-password"
            className="input"
            type="password"
            value={draft.newPassword}
            autoComplete="new-password"
            placeholder={passwordSet ? 'Unchanged' : 'No password'}
            disabled={draft.clearPassword}
            onChange={(event) => edit({ newPassword: event.target.value })}
          />
          {passwordSet && (
            <label className="check check-inline">
              <input
                type="checkbox"
                checked={draft.clearPassword}
                onChange={(event) => edit({ clearPassword: event.target.checked, newPassword: '' })}
              />
              <span className="check-label">Remove</span>
            </label>
          )}
        </div>
        {errors.password && <p className="field-error">{errors.password}</p>}
      </div>

      <PlayTokenField
        id="config-play-token"
        testId="stream-config-play-token"
        value={draft.playToken}
        error={errors.playToken}
        onChange={(playToken) => {
          edit({ playToken });
          if (errors.playToken) setErrors((e) => ({ ...e, playToken: undefined }));
        }}
      />

      <StreamSwitches draft={draft} edit={edit} show={['publishEnabled', 'takeover', 'loop', 'playlist', 'dvr']} />

      {serverError && (
        <div className="callout callout-danger" role="alert" data-testid="stream-config-error">
          <div>
            <strong>Not saved</strong>
            <p>{serverError}</p>
          </div>
        </div>
      )}

      <div className="form-actions">
        {saved && !dirty && <span className="saved-note">Saved</span>}
        <span className="form-actions-spacer" />
        {configured && (
          <button type="button" className="button" onClick={revert} disabled={!dirty || saving}>
            Revert
          </button>
        )}
        <button type="submit" className="button button-primary" data-testid="stream-config-save" disabled={saving || (configured && !dirty)}>
          {saving && <span className="spinner spinner-small" aria-hidden="true" />}
          {configured ? 'Save' : 'Save configuration'}
        </button>
      </div>
    </form>
  );
}
