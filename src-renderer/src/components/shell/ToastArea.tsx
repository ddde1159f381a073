import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';
import { CloseIcon } from '../icons';

/**
 * Stream events as small notes in the corner, newest at the bottom, four at most;
 * each goes away by itself (the pointer resting on one holds it). A note about a
 * stream opens that stream when clicked.
 */
export function ToastArea() {
  const toasts = useStudio((s) => s.toasts);
  const dismiss = useStudio((s) => s.dismissToast);
  const hold = useStudio((s) => s.holdToast);
  const setSection = useStudio((s) => s.setSection);
  const openStream = useStudio((s) => s.openStream);
  // Per toast: whether its stream still exists (a deleted one has nothing to open).
  const openable = useStudio(useShallow((s) => s.toasts.map((t) => t.stream !== null && s.streamsByName[t.stream] !== undefined)));

  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast, index) => {
        const canOpen = openable[index] === true;
        return (
          <div
            key={toast.id}
            className={`toast toast-${toast.tone}`}
            data-testid="toast"
            data-tone={toast.tone}
            onMouseEnter={() => hold(toast.id, true)}
            onMouseLeave={() => hold(toast.id, false)}
          >
            {canOpen ? (
              <button
                type="button"
                className="toast-text toast-link"
                title="Open this stream"
                onClick={() => {
                  setSection('monitor');
                  openStream(toast.stream);
                  dismiss(toast.id);
                }}
              >
                {toast.text}
              </button>
            ) : (
              <span className="toast-text">{toast.text}</span>
            )}
            {toast.count > 1 && <span className="toast-count">×{toast.count}</span>}
            <button type="button" className="icon-button toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              <CloseIcon size={12} />
            </button>
          </div>
        );
      })}
    </div>
  );
}
