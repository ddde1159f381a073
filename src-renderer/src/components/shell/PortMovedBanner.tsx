import { useShallow } from 'zustand/react/shallow';
import { portMoveMessages, portMovesKey } from '../../lib/port-moves';
import { dialHost, prefixApp } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { AlertIcon, CloseIcon } from '../icons';

/**
 * A port the studio wanted was taken at start-up and it took the next free one: say which,
 * and where encoders must point now. Calm, and gone for the session once dismissed.
 */
export function PortMovedBanner() {
  const { moves, host, prefix, dismissed, dismiss, setSection } = useStudio(
    useShallow((s) => ({
      moves: s.portMoves,
      host: s.settingsView?.settings.host,
      prefix: s.settingsView?.settings.publishPrefix,
      dismissed: s.portMovesDismissed,
      dismiss: s.dismissPortMoves,
      setSection: s.setSection,
    })),
  );
  const pageHost = window.location.hostname;
  const messages = portMoveMessages(moves, { host: host === undefined ? pageHost : dialHost(host, pageHost), app: prefixApp(prefix) });
  const key = portMovesKey(moves);
  if (messages.length === 0 || dismissed === key) return null;

  return (
    <div className="port-banner" role="status" data-testid="port-moved-banner">
      <AlertIcon size={15} className="port-banner-icon" />
      <div className="port-banner-body">
        {messages.map((m) => (
          <p key={m.listener} className="port-banner-line" data-testid={`port-moved-${m.listener}`}>
            <WithCode text={m.text} code={m.url} />
          </p>
        ))}
        <p className="port-banner-hint">
          To keep the old port, stop the other program and restart the studio, or choose ports in{' '}
          <button type="button" className="link-button" data-testid="port-moved-settings" onClick={() => setSection('settings')}>
            Settings
          </button>{' '}
          (Pin ports makes a taken port an error instead).
        </p>
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" data-testid="port-moved-dismiss" onClick={() => dismiss(key)}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

/** The sentence with its address set in code, to read character by character. */
function WithCode({ text, code }: { text: string; code: string }) {
  const at = text.indexOf(code);
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <code>{code}</code>
      {text.slice(at + code.length)}
    </>
  );
}
