import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import { Modal } from './Modal';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm(): Promise<void>;
  onClose(): void;
  danger?: boolean;
  testId?: string;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onClose, danger = false, testId }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={title} onClose={onClose} busy={busy} testId={testId}>
      <div className="dialog-body">
        {children}
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
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          data-testid={testId ? `${testId}-confirm` : undefined}
          onClick={() => void confirm()}
          disabled={busy}
          autoFocus
        >
          {busy ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
