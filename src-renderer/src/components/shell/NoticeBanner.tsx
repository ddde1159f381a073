import { useStudio } from '../../store';
import { CloseIcon } from '../icons';

/** One message at a time across the top of the workspace (moves, restarts, failures). */
export function NoticeBanner() {
  const notice = useStudio((s) => s.notice);
  const dismiss = useStudio((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className={`notice notice-${notice.tone}`} role="status" data-testid="notice">
      <span className="notice-text">{notice.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismiss}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}
