import { useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FfmpegStatus, PublishUrls } from '../../../../src-main/contract/studio-api';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { isRoamingAppData, spaceLevel } from '../../lib/data-folder';
import { formatBytes, plural, shortFfmpegVersion } from '../../lib/format';
import { listensBeyondLoopback, prefixApp } from '../../lib/publish-url';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { isProbing } from '../../store/system.slice';
import { Modal } from '../common/Modal';
import { AlertIcon, CheckIcon, FolderIcon } from '../icons';
import { ObsGuide } from './ObsGuide';

type CheckState = 'ok' | 'warning' | 'danger' | 'pending';
type Available = Extract<FfmpegStatus, { available: true }>;

const ffmpegSources: Record<Available['source'], string> = {
  setting: 'from the ffmpeg path setting',
  env: 'from FFMPEG_PATH',
  bundled: 'bundled with Framehouse',
  path: 'found on PATH',
  'package-manager': 'from Homebrew or MacPorts',
};

/**
 * The first-run screen: is ffmpeg there, which ports does the studio listen on, where does
 * video go and is there room, and how to point OBS at it. Live: the figures follow the
 * server's status events. Done or Skip is remembered by the server.
 */
export function WelcomeScreen() {
  const finish = useStudio((s) => s.finishWelcome);
  const openHelp = useStudio((s) => s.openHelp);
  const setSection = useStudio((s) => s.setSection);
  const goTo = (section: 'settings' | 'monitor') => {
    openHelp(null);
    setSection(section);
  };

  return (
    <Modal title="Welcome to Framehouse" onClose={() => openHelp(null)} className="dialog-welcome" testId="welcome">
      <div className="welcome-body">
        <section className="welcome-column" aria-labelledby="welcome-checks-title">
          <h3 className="welcome-heading" id="welcome-checks-title">
            Before the first stream
          </h3>
          <FfmpegCheck onSettings={() => goTo('settings')} />
          <PortsCheck onSettings={() => goTo('settings')} />
          <DataFolderCheck onSettings={() => goTo('settings')} />
        </section>
        <section className="welcome-column welcome-guide" aria-labelledby="welcome-guide-title">
          <h3 className="welcome-heading" id="welcome-guide-title">
            Stream from OBS
          </h3>
          <ObsGuide onOpenMonitor={() => goTo('monitor')} />
        </section>
      </div>
      <div className="dialog-actions welcome-actions">
        <span className="help welcome-later">This screen stays under Help › Getting started.</span>
        <button type="button" className="button" data-testid="welcome-skip" onClick={() => void finish()}>
          Skip
        </button>
        <button type="button" className="button button-primary" data-testid="welcome-done" onClick={() => void finish()} autoFocus>
          Done
        </button>
      </div>
    </Modal>
  );
}

function CheckRow({ state, title, testId, children }: { state: CheckState; title: string; testId: string; children: ReactNode }) {
  return (
    <div className={`check-row check-${state}`} data-testid={testId} data-state={state}>
      <span className="check-icon" aria-hidden="true">
        {state === 'ok' ? <CheckIcon size={14} /> : state === 'pending' ? <span className="spinner spinner-small" /> : <AlertIcon size={14} />}
      </span>
      <div className="check-body">
        <span className="check-title">{title}</span>
        {children}
      </div>
    </div>
  );
}

function FfmpegCheck({ onSettings }: { onSettings: () => void }) {
  const ffmpeg = useStudio((s) => s.ffmpeg);
  const probing = useStudio(isProbing);
  const reprobe = useStudio((s) => s.reprobeEncoders);

  if (!ffmpeg) {
    return (
      <CheckRow state="pending" title="ffmpeg" testId="welcome-check-ffmpeg">
        <p className="help">Looking for ffmpeg…</p>
      </CheckRow>
    );
  }
  if (!ffmpeg.available) {
    return (
      <CheckRow state="danger" title="ffmpeg not found" testId="welcome-check-ffmpeg">
        <p className="check-detail">{ffmpeg.reason}</p>
        <p className="help">
          Live streams are recorded and played without it; thumbnails, transcoding, the mixer and the library need it. Install ffmpeg (Windows: <code>winget install ffmpeg</code>, macOS:{' '}
          <code>brew install ffmpeg</code>, Linux: the package manager), or set its path in Settings.
        </p>
        <div className="check-actions">
          <button type="button" className="button button-small" disabled={probing} onClick={() => void reprobe()}>
            {probing ? 'Looking…' : 'Look again'}
          </button>
          <button type="button" className="button button-small" onClick={onSettings}>
            Settings
          </button>
        </div>
      </CheckRow>
    );
  }
  const working = ffmpeg.encoders.filter((e) => e.works);
  const hardware = working.filter((e) => e.hardware);
  return (
    <CheckRow state="ok" title={`ffmpeg ${shortFfmpegVersion(ffmpeg.version)}`} testId="welcome-check-ffmpeg">
      <p className="check-detail">
        {sentence(ffmpegSources[ffmpeg.source])}: <code className="check-path">{ffmpeg.path}</code>
      </p>
      <p className="help">
        {ffmpeg.probing || probing
          ? 'Testing the encoders…'
          : `${plural(working.length, 'video encoder')} work here${hardware.length > 0 ? `, ${hardware.length} on the GPU (${hardware.map((e) => e.name).join(', ')})` : ', none on a GPU: transcoding runs on the CPU'}.`}
      </p>
    </CheckRow>
  );
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The port in a URL the server gave (rtmp://h:1936/live, srt://h:8890?…, http://h:8935/…). */
function portOf(url: string): number | null {
  const match = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(url);
  return match ? Number(match[1]) : null;
}

function PortsCheck({ onSettings }: { onSettings: () => void }) {
  const { moves, host, prefix, listeners, discovery } = useStudio(
    useShallow((s) => {
      const st = s.settingsView?.settings;
      return {
        discovery: s.lanDiscovery,
        moves: s.portMoves,
        host: st?.host,
        prefix: st?.publishPrefix,
        listeners: st ? `${st.host}|${st.httpPort}|${st.rtmpPort}|${st.srtPort}` : '',
      };
    }),
  );
  const app = prefixApp(prefix);
  const [urls, setUrls] = useState<PublishUrls | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    api.publishUrls(`${app}/obs`, abort.signal).then(setUrls, () => setUrls(null));
    return () => abort.abort();
  }, [app, listeners]);

  const rows = [
    { listener: 'http', label: 'HTTP', use: 'this window, the API, playback', port: urls ? portOf(urls.mpegtsHttp) : null },
    { listener: 'rtmp', label: 'RTMP', use: 'OBS and ffmpeg', port: urls ? portOf(urls.rtmp.server) : null },
    { listener: 'srt', label: 'SRT', use: 'SRT encoders', port: urls ? portOf(urls.srt) : null },
  ] as const;
  const moved = (listener: string) => moves.find((m) => m.listener === listener && m.port !== m.wanted);
  const anyMoved = moves.some((m) => m.port !== m.wanted);
  const local = host !== undefined && !listensBeyondLoopback(host);

  return (
    <CheckRow state={!urls ? 'pending' : anyMoved ? 'warning' : 'ok'} title={anyMoved ? 'Ports (some moved)' : 'Ports'} testId="welcome-check-ports">
      <dl className="check-ports">
        {rows.map((row) => {
          const move = moved(row.listener);
          return (
            <div key={row.listener} className={`check-port${move ? ' is-moved' : ''}`} data-testid={`welcome-port-${row.listener}`}>
              <dt>{row.label}</dt>
              <dd>
                <span className="check-port-number">{row.port ?? '…'}</span>
                {move ? (
                  <span className="check-port-note">moved: {move.wanted} was in use by another program</span>
                ) : (
                  <span className="check-port-note">{row.use}</span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      <p className="help">
        {local ? 'Listening on this machine only: to publish from another computer, allow devices on the network in ' : 'Reachable from the network. Ports and LAN access are in '}
        <button type="button" className="link-button" onClick={onSettings}>
          Settings
        </button>
        .
      </p>
      {discovery === 'announced' && <p className="help">Announced on the network: devices that browse for services (Bonjour, DNS-SD) find the watch page.</p>}
      {discovery === 'failed' && <p className="help help-warning">Announcing the studio on the network failed; devices still reach it by its address.</p>}
    </CheckRow>
  );
}

function DataFolderCheck({ onSettings }: { onSettings: () => void }) {
  const { path, disk, minFreeMB } = useStudio(
    useShallow((s) => ({ path: s.dataDirPath, disk: s.system?.dataDir ?? null, minFreeMB: s.settingsView?.settings.dvrMinFreeMB ?? null })),
  );
  const [moving, setMoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const folder = path ?? disk?.path ?? null;
  if (!folder || !disk) {
    return (
      <CheckRow state="pending" title="Data folder" testId="welcome-check-data">
        <p className="help">Reading the data folder…</p>
      </CheckRow>
    );
  }
  const roaming = isRoamingAppData(folder);
  const space = spaceLevel(disk.freeBytes, disk.totalBytes, minFreeMB);
  const state: CheckState = space === 'critical' ? 'danger' : roaming || space === 'low' ? 'warning' : 'ok';

  // The desktop shell keeps the data folder: a new one starts the studio again there (this window follows).
  const chooseFolder = async () => {
    setError(null);
    try {
      const chosen = await platform.pickFolder('Choose a data folder for video');
      if (!chosen) return;
      setMoving(true);
      await platform.setDesktopPrefs({ dataDir: chosen });
    } catch (err) {
      setMoving(false);
      setError(errorMessage(err));
    }
  };

  return (
    <CheckRow state={state} title="Data folder" testId="welcome-check-data">
      <p className="check-detail">
        <code className="check-path" data-testid="welcome-data-path">
          {folder}
        </code>
      </p>
      <p className={space === 'ok' ? 'help' : 'help help-warning'} data-testid="welcome-data-space">
        {formatBytes(disk.freeBytes)} free of {formatBytes(disk.totalBytes)}
        {space === 'critical' ? ': too little for recording, which stops below the minimum free space' : space === 'low' ? ': little room for video (an hour at 6 Mbit/s is about 2.7 GB)' : ''}
      </p>
      {roaming && (
        <div className="check-callout" data-testid="welcome-roaming">
          <p>
            Video should not live in <b>Roaming AppData</b>: Windows copies that folder with your profile.{' '}
            {platform.kind === 'desktop'
              ? 'Choose a data folder on a disk with room (the app suggests %LOCALAPPDATA%); the studio starts again there, and nothing is moved.'
              : 'Start the studio with a data folder elsewhere (--data-dir), or send library, recordings and exports to another disk in Settings.'}
          </p>
          <div className="check-actions">
            {platform.kind === 'desktop' && (
              <button type="button" className="button button-small" disabled={moving} onClick={() => void chooseFolder()}>
                <FolderIcon size={13} />
                {moving ? 'Starting there…' : 'Choose a data folder…'}
              </button>
            )}
            <button type="button" className="button button-small" onClick={onSettings}>
              Settings
            </button>
          </div>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </CheckRow>
  );
}
