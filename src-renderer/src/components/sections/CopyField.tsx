import { useState } from 'react';
import { CopyIcon } from '../icons';

/** A read-only value with a copy button, for URLs and commands the user pastes elsewhere. */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard access needs a secure context; plain-http LAN pages may not have it.
      setCopied(false);
    }
  };

  return (
    <div className="copy-field">
      <code className="copy-value" data-testid={testId} aria-label={label}>
        {value}
      </code>
      <button type="button" className="icon-button" title={copied ? 'Copied' : `Copy ${label}`} onClick={() => void copy()}>
        {copied ? <span className="copy-done">Copied</span> : <CopyIcon size={14} />}
      </button>
    </div>
  );
}
