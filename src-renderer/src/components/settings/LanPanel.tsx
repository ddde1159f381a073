import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';
import { LAN_HOST } from '../../store/lan.slice';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { QrCode } from '../common/QrCode';
import { CopyField } from '../sections/CopyField';
import { AlertIcon, NetworkIcon } from '../icons';

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * One switch for "phones and other computers may connect", and, when on, the
 * studio's address on each network with a QR code to open it on a phone.
 * The switch saves the host setting (0.0.0.0 or 127.0.0.1): listeners move at once.
 */
export function LanPanel() {
  const { lan, lanError, switching, switchError, loadLan, setLanAccess, host, pinnedBy } = useStudio(
    useShallow((s) => {
      const view = s.settingsView;
      const pinned = view?.pinned.includes('host') ?? false;
      return {
        lan: s.lan,
        lanError: s.lanError,
        switching: s.lanSwitching,
        switchError: s.lanSwitchError,
        loadLan: s.loadLan,
        setLanAccess: s.setLanAccess,
        host: view?.settings.host ?? null,
        pinnedBy: pinned ? (view?.sources.host === 'env' ? 'environment' : 'command line') : null,
      };
    }),
  );
  const [confirmOff, setConfirmOff] = useState(false);

  // Again whenever the bind address changes, here or in another window.
  useEffect(() => {
    void loadLan();
  }, [loadLan, host]);

  const on = lan?.lan ?? host === LAN_HOST;
  const pinnedReason =
    pinnedBy === null
      ? null
      : `Set by the ${pinnedBy} (${pinnedBy === 'environment' ? 'FRAMEHOUSE_HOST' : '--host'}${host ? ` ${host}` : ''}): change it there and restart the studio.`;
  // Reached over the network, switching off cuts this very browser off.
  const remoteHere = !loopbackNames.has(window.location.hostname);

  const flip = () => {
    if (on && remoteHere) setConfirmOff(true);
    else void setLanAccess(!on);
  };

  return (
    <section className="panel" aria-labelledby="lan-title" data-testid="lan-panel" data-lan={on ? 'true' : 'false'}>
      <div className="panel-head">
        <h2 className="panel-title" id="lan-title">
          LAN access
        </h2>
      </div>
      <div className="panel-body">
        <div className="lan-switch-row">
          <NetworkIcon size={18} className="lan-switch-icon" />
          <div className="lan-switch-text">
            <label className="check-label" htmlFor="lan-switch">
              Allow devices on the network
            </label>
            <p className="help">
              {on
                ? 'Phones, TVs and other computers on this network can open the studio. Visitors see the streams to watch; the studio itself still needs the admin token.'
                : 'Only this machine can reach the studio. Switch on to watch the streams from phones, TVs and other computers on the same network.'}
            </p>
          </div>
          {switching && <span className="spinner spinner-small" aria-hidden="true" />}
          <button
            id="lan-switch"
            type="button"
            role="switch"
            className="switch"
            aria-checked={on}
            aria-describedby={pinnedReason ? 'lan-pinned' : undefined}
            data-testid="lan-switch"
            disabled={pinnedReason !== null || switching || (lan === null && host === null)}
            onClick={flip}
          />
        </div>
        {pinnedReason && (
          <p className="help help-warning" id="lan-pinned" data-testid="lan-pinned">
            {pinnedReason}
          </p>
        )}
        {switchError && (
          <p className="field-error" role="alert" data-testid="lan-error">
            {switchError}
          </p>
        )}
        {lanError && !lan && <p className="field-error">{lanError}</p>}
        {on && lan && <LanAddresses urls={lan.urls} />}
      </div>

      {confirmOff && (
        <ConfirmDialog
          title="Stop LAN access?"
          confirmLabel="Stop LAN access"
          danger
          testId="lan-off-dialog"
          onClose={() => setConfirmOff(false)}
          onConfirm={() => setLanAccess(false)}
        >
          <p>
            This browser reaches the studio over the network (<code>{window.location.host}</code>). Once LAN access is off, it
            and every other device lose the connection; only the studio machine itself can open the studio again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function LanAddresses({ urls }: { urls: string[] }) {
  if (urls.length === 0) {
    return (
      <div className="callout callout-warning" data-testid="lan-no-urls">
        <AlertIcon size={16} />
        <div>
          <strong>No network address</strong>
          <p>This machine has no network connection other than to itself, so there is no address to give other devices. Connect it to a network (Wi-Fi or cable); the addresses appear here.</p>
        </div>
      </div>
    );
  }
  // The port the studio really listens on (the setting may be 0: "any free port").
  const port = new URL(urls[0]!).port || '80';
  return (
    <>
      <ul className="lan-urls plain-list" aria-label="Studio addresses on the network">
        {urls.map((url) => (
          <li key={url} className="lan-url" data-testid="lan-url">
            <QrCode text={url} testId="lan-qr" />
            <div className="lan-url-text">
              <CopyField value={url} label="studio address" testId="lan-url-value" />
              <p className="help">Scan with a phone camera, or type the address into a browser on the same network.</p>
            </div>
          </li>
        ))}
      </ul>
      <p className="help">
        If a device cannot connect, this machine’s firewall probably blocks it: allow incoming TCP port {port} from your
        network.
      </p>
    </>
  );
}
