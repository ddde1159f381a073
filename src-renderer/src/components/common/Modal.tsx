import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from '../icons';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Extra class on the dialog box, e.g. a wider one. */
  className?: string;
  testId?: string;
  /** While true (e.g. a request is running) Esc and the backdrop do not close it. */
  busy?: boolean;
}

const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: Esc and the backdrop close it, Tab stays inside, and focus goes
 * back to where it was when it closes. Esc is marked handled, so panels under it
 * (the stream details) do not close too.
 */
export function Modal({ title, onClose, children, className, testId, busy = false }: ModalProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Taken at the first render, before autoFocus inside moves focus: where to go back to.
  const [returnTo] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  useEffect(() => {
    const box = boxRef.current;
    // The first field, or the dialog itself, unless something inside already took focus (autoFocus).
    if (box && !box.contains(document.activeElement)) {
      const first = box.querySelector<HTMLElement>('input, select, textarea') ?? box;
      first.focus();
    }
    return () => {
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, [returnTo]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      if (!busy) onClose();
      return;
    }
    if (event.key !== 'Tab' || !boxRef.current) return;
    const items = [...boxRef.current.querySelectorAll<HTMLElement>(focusable)].filter((el) => el.offsetParent !== null);
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div
      className="overlay"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && !busy) onClose();
      }}
    >
      <div
        ref={boxRef}
        className={`dialog${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose} disabled={busy}>
            <CloseIcon size={14} />
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

/** Is any modal dialog open? Single-key shortcuts stay quiet while one is. */
export function modalOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}
