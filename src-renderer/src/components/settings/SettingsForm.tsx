import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SettingKey } from '../../../../src-main/contract/studio-api';
import { isChanged, logLevels, type SettingsDraft } from '../../lib/settings-draft';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { EncoderOptions } from '../common/EncoderOptions';
import { FolderIcon } from '../icons';
import { HostField } from './HostField';
import { SettingField } from './SettingField';
import { SETTINGS_FORM_ID } from './setting-meta';

/** Guards against hostile or broken clients, each with what it bounds. */
const limitHelp: Record<LimitKey, string> = {
  ingestMaxConnections: 'RTMP and SRT each take at most this many publishers at once.',
  ingestMaxConnectionsPerAddress: 'At most this many publisher connections from one address, per protocol.',
  ingestMaxBufferMB: 'Memory one publisher may make the studio hold for messages or packets it has not finished.',
  ingestMaxTotalBufferMB: 'The same, for all publishers together.',
  ingestHandshakeSeconds: 'A publisher that has not finished its handshake by then is cut.',
  ingestIdleSeconds: 'A publisher that sends nothing for this long is cut, and the stream goes offline.',
  srtMaxLatencyMs: 'SRT callers asking for more latency get this much.',
  httpMaxConnections: 'Viewers, the UI and the API together.',
  httpMaxConnectionsPerAddress: 'At most this many HTTP connections from one address.',
  httpHeadersTimeoutSeconds: 'A client must send its request headers within this time (stops slow-drip attacks).',
  playlistMaxHours: 'Longest archive range one DVR playlist or recording status covers; longer requests are clamped to the newest part.',
  mediaJobsMax: 'MP4 export plans and thumbnail renders at once; more wait in a queue.',
  vodCacheMB: 'Disk for library segments made on first play; the least recently played go first.',
  webrtcPortMin: 'WebRTC publishers and viewers take one UDP port each (and one TCP port for ICE over TCP) from this range: open it in a firewall.',
  webrtcPortMax: 'The last port of that range.',
  webrtcConnectSeconds: 'A WebRTC publisher or viewer that has not connected by then is dropped, and its port freed.',
};
const limitKeys = Object.keys(limitHelp) as LimitKey[];
/** The settings whose names say what they bound: ingest…, httpMax…, httpHeaders…, srtMax…, playlistMax…, mediaJobsMax. */
type LimitKey = Extract<SettingKey, `ingest${string}` | `httpMax${string}` | `httpHeaders${string}` | `srtMax${string}` | `playlistMax${string}` | 'mediaJobsMax' | 'vodCacheMB' | `webrtcPort${string}` | 'webrtcConnectSeconds'>;

/** The settings that are lists, one entry per line, in the Network panel. */
const listFields = [
  {
    key: 'allowedHosts',
    help: 'One per line. Extra names browsers may use to reach the studio, such as studio.local; requests for any other name are refused.',
    rows: 3,
    placeholder: 'studio.local\n192.168.1.20',
  },
  {
    key: 'webrtcIceServers',
    help: 'One per line: a STUN server and a TURN relay (its user and secret before the host). WebRTC needs neither on a LAN; publishers and viewers beyond it may.',
    rows: 2,
    placeholder: 'stun:stun.example.org:3478\nturn:user:secret@turn.example.org:3478?transport=udp',
  },
] as const;

const portHelp: Record<'httpPort' | 'rtmpPort' | 'srtPort', string> = {
  httpPort: 'UI, API and playback; this page follows a change. 0 picks a free port.',
  rtmpPort: 'OBS and ffmpeg publish here. 0 picks a free port.',
  srtPort: 'SRT ingest for lossy networks. 0 picks a free port.',
};

export function SettingsForm({ draft }: { draft: SettingsDraft }) {
  const { settings, editSetting, saveSettings, pickError, encoders } = useStudio(
    useShallow((s) => ({
      settings: s.settingsView?.settings,
      editSetting: s.editSetting,
      saveSettings: s.saveSettings,
      pickError: s.showNotice,
      encoders: s.ffmpeg?.available ? s.ffmpeg.encoders : null,
    })),
  );
  if (!settings) return null;

  const dirty = (key: SettingKey) => isChanged(draft, settings, key);
  const textProps = <K extends Exclude<SettingKey, 'logLevel' | 'lanPublish' | 'https' | 'pinPorts'>>(key: K) => ({
    id: `setting-${key}`,
    'data-testid': `setting-${key}`,
    value: draft[key],
    spellCheck: false,
    autoComplete: 'off',
    onChange: (event: { target: { value: string } }) => editSetting(key, event.target.value),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void saveSettings();
  };

  const browseFfmpeg = async () => {
    try {
      const [picked] = await platform.pickFiles({ title: 'Choose the ffmpeg program', multiple: false });
      if (picked?.path) editSetting('ffmpegPath', picked.path);
    } catch (err) {
      pickError('danger', err instanceof Error ? err.message : String(err));
    }
  };

  const browseMediaDir = async () => {
    try {
      const picked = await platform.pickFolder('Choose the media folder');
      if (picked) editSetting('mediaDir', picked);
    } catch (err) {
      pickError('danger', err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form id={SETTINGS_FORM_ID} className="settings-form" data-testid="settings-form" onSubmit={onSubmit} noValidate>
      <fieldset className="panel">
        <legend className="panel-title">Network</legend>
        <div className="panel-body settings-grid">
          <div className="span-all">
            <SettingField
              settingKey="host"
              controlId="setting-host"
              dirty={dirty('host')}
              help="Address every listener binds to. LAN lets phones, cameras and other computers reach the studio."
            >
              <HostField id="setting-host" value={draft.host} onChange={(value) => editSetting('host', value)} />
            </SettingField>
          </div>
          {(['httpPort', 'rtmpPort', 'srtPort'] as const).map((key) => (
            <SettingField key={key} settingKey={key} controlId={`setting-${key}`} dirty={dirty(key)} help={portHelp[key]}>
              <input {...textProps(key)} className="input input-port" type="text" inputMode="numeric" />
            </SettingField>
          ))}
          <SettingField
            settingKey="https"
            controlId="setting-https"
            dirty={dirty('https')}
            help="Browsers on other hosts give a page their camera only over HTTPS: turn it on to Go live from a phone. The studio makes its own certificate; accept it once in each browser."
          >
            <select id="setting-https" data-testid="setting-https" className="input select" value={draft.https} onChange={(event) => editSetting('https', event.target.value === 'on' ? 'on' : 'off')}>
              <option value="off">Off</option>
              <option value="on">On, beside HTTP</option>
            </select>
          </SettingField>
          <SettingField settingKey="httpsPort" controlId="setting-httpsPort" dirty={dirty('httpsPort')} help="Where HTTPS listens when on. 0 picks a free port.">
            <input {...textProps('httpsPort')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="pinPorts"
            controlId="setting-pinPorts"
            dirty={dirty('pinPorts')}
            help="When a port is taken at start-up: off moves to the next free one, on stops with an error."
          >
            <select id="setting-pinPorts" data-testid="setting-pinPorts" className="input select" value={draft.pinPorts} onChange={(event) => editSetting('pinPorts', event.target.value === 'on' ? 'on' : 'off')}>
              <option value="off">Off, move to a free port</option>
              <option value="on">On, stop with an error</option>
            </select>
          </SettingField>
          <SettingField
            settingKey="publishPrefix"
            controlId="setting-publishPrefix"
            dirty={dirty('publishPrefix')}
            help="Any stream name under this prefix may be published without adding it first, e.g. live/ takes live/cam1."
          >
            <input {...textProps('publishPrefix')} className="input input-mono" type="text" placeholder="live/" />
          </SettingField>
          {listFields.map(({ key, help, rows, placeholder }) => (
            <div className="span-all" key={key}>
              <SettingField settingKey={key} controlId={`setting-${key}`} dirty={dirty(key)} help={help}>
                <textarea {...textProps(key)} className="input input-mono" rows={rows} placeholder={placeholder} />
              </SettingField>
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend className="panel-title">Publishing from other hosts</legend>
        <div className="panel-body settings-grid">
          <SettingField
            settingKey="lanPublish"
            controlId="setting-lanPublish"
            dirty={dirty('lanPublish')}
            help="Encoders on this machine may always publish. With a key, an encoder on another host needs the stream's publish password or the studio key below."
          >
            <select
              id="setting-lanPublish"
              data-testid="setting-lanPublish"
              className="input select"
              value={draft.lanPublish}
              onChange={(event) => editSetting('lanPublish', event.target.value === 'open' ? 'open' : 'key')}
            >
              <option value="key">Need a key</option>
              <option value="open">Open to the LAN</option>
            </select>
          </SettingField>
          <SettingField
            settingKey="publishKey"
            controlId="setting-publishKey"
            dirty={dirty('publishKey')}
            help="Goes after the stream name as ?key=… (OBS: in the Stream Key field; SRT: in the streamid; MPEG-TS: in the URL). Letters, digits, _ and -."
          >
            <input {...textProps('publishKey')} className="input input-mono" type="text" />
          </SettingField>
          <SettingField
            settingKey="authHookUrl"
            controlId="setting-authHookUrl"
            dirty={dirty('authHookUrl')}
            help="Asked before every publisher from outside and every viewer: a JSON POST {action, stream, protocol, ip, key}; a 2xx answer lets them in, anything else (or no answer within 2 s) refuses. Empty: no hook."
          >
            <input {...textProps('authHookUrl')} className="input input-mono" type="text" placeholder="http://127.0.0.1:9000/auth" />
          </SettingField>
          <SettingField
            settingKey="authHookCacheSeconds"
            controlId="setting-authHookCacheSeconds"
            dirty={dirty('authHookCacheSeconds')}
            help="How long a yes is remembered for the same stream, address and key (a no for 5 s), so a viewer's every segment does not ask again."
          >
            <input {...textProps('authHookCacheSeconds')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend className="panel-title">Limits</legend>
        <div className="panel-body settings-grid">
          {limitKeys.map((key) => (
            <SettingField key={key} settingKey={key} controlId={`setting-${key}`} dirty={dirty(key)} help={limitHelp[key]}>
              <input {...textProps(key)} className="input input-port" type="text" inputMode="numeric" />
            </SettingField>
          ))}
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend className="panel-title">Transcoding</legend>
        <div className="panel-body settings-grid">
          <div className="span-all">
            <SettingField
              settingKey="transcodeLadder"
              controlId="setting-transcodeLadder"
              dirty={dirty('transcodeLadder')}
              help="Renditions made for every live stream that has no ladder of its own, e.g. 720p@3000k, 480p@1200k, 360p@700k. Empty: streams are offered as they come. A stream's own ladder (in the Monitor) wins."
            >
              <input {...textProps('transcodeLadder')} className="input input-mono" type="text" placeholder="none" />
            </SettingField>
          </div>
          <SettingField
            settingKey="transcodeEncoder"
            controlId="setting-transcodeEncoder"
            dirty={dirty('transcodeEncoder')}
            help="Auto tries the GPU encoders that work here, then software. Pinning one still falls back to software if it fails, and says so."
          >
            <select {...textProps('transcodeEncoder')} className="input">
              <EncoderOptions encoders={encoders} current={draft.transcodeEncoder} />
            </select>
          </SettingField>
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend className="panel-title">Media and logging</legend>
        <div className="panel-body settings-grid">
          <div className="span-all">
            <SettingField
              settingKey="ffmpegPath"
              controlId="setting-ffmpegPath"
              dirty={dirty('ffmpegPath')}
              help={
                platform.nativePaths
                  ? 'Empty: FFMPEG_PATH, then the copy bundled with Framehouse, then PATH.'
                  : 'Empty: FFMPEG_PATH, then the bundled copy, then PATH. Type the path as the studio machine sees it; browsing for it is only in the desktop app.'
              }
            >
              <div className="input-row">
                <input {...textProps('ffmpegPath')} className="input input-mono" type="text" placeholder="Automatic" />
                {platform.nativePaths && (
                  <button type="button" className="button" onClick={() => void browseFfmpeg()}>
                    <FolderIcon size={14} />
                    Browse…
                  </button>
                )}
              </div>
            </SettingField>
          </div>
          <div className="span-all">
            <SettingField
              settingKey="mediaDir"
              controlId="setting-mediaDir"
              dirty={dirty('mediaDir')}
              help="Video files for the library and for file:// stream sources (file://clips/intro.mp4 is relative to it). Empty: the media folder inside the data folder."
            >
              <div className="input-row">
                <input {...textProps('mediaDir')} className="input input-mono" type="text" placeholder="<data folder>/media" />
                {platform.nativePaths && (
                  <button type="button" className="button" onClick={() => void browseMediaDir()}>
                    <FolderIcon size={14} />
                    Browse…
                  </button>
                )}
              </div>
            </SettingField>
          </div>
          <SettingField
            settingKey="dvrSegmentSeconds"
            controlId="setting-dvrSegmentSeconds"
            dirty={dirty('dvrSegmentSeconds')}
            help="Target length of archive segments, 1–10 s. Segments are always cut on a keyframe, so set the encoders' keyframe interval to match."
          >
            <input {...textProps('dvrSegmentSeconds')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="llHlsPartMs"
            controlId="setting-llHlsPartMs"
            dirty={dirty('llHlsPartMs')}
            help="Players stay about three parts behind live (200 ms: within a second); shorter parts mean more requests per viewer. A stream being watched keeps its length until it goes live again."
          >
            <input {...textProps('llHlsPartMs')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="dvrDepth"
            controlId="setting-dvrDepth"
            dirty={dirty('dvrDepth')}
            help="Age limit, e.g. 7d or 12h (s, m, h, d, w). Empty: no age limit. Locked ranges are always kept."
          >
            <input {...textProps('dvrDepth')} className="input input-port" type="text" placeholder="no limit" />
          </SettingField>
          <SettingField
            settingKey="dvrMaxSize"
            controlId="setting-dvrMaxSize"
            dirty={dirty('dvrMaxSize')}
            help="Whole archive, e.g. 500G, or a share of the disk, e.g. 20%. The oldest unlocked recordings go first."
          >
            <input {...textProps('dvrMaxSize')} className="input input-port" type="text" placeholder="no limit" />
          </SettingField>
          <SettingField
            settingKey="dvrMinFreeMB"
            controlId="setting-dvrMinFreeMB"
            dirty={dirty('dvrMinFreeMB')}
            help="Below this much free space recording stops for every stream, and resumes by itself above it."
          >
            <input {...textProps('dvrMinFreeMB')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="exportsDir"
            controlId="setting-exportsDir"
            dirty={dirty('exportsDir')}
            help="Where saved exports go (relative to the data folder). Empty: the exports folder in the data folder."
          >
            <input {...textProps('exportsDir')} className="input" type="text" placeholder="exports" />
          </SettingField>
          <SettingField
            settingKey="exportMaxSeconds"
            controlId="setting-exportMaxSeconds"
            dirty={dirty('exportMaxSeconds')}
            help="Longest range one MP4 or saved export may cover; 14400 is four hours."
          >
            <input {...textProps('exportMaxSeconds')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="recordingsDir"
            controlId="setting-recordingsDir"
            dirty={dirty('recordingsDir')}
            help="Where recording files go, a folder per stream inside (relative to the data folder). Empty: the recordings folder in the data folder."
          >
            <input {...textProps('recordingsDir')} className="input" type="text" placeholder="recordings" />
          </SettingField>
          <SettingField
            settingKey="recordingCommand"
            controlId="setting-recordingCommand"
            dirty={dirty('recordingCommand')}
            help="A program run on each finished recording file, with the file's path as its one argument (never through a shell); its output goes to the log. Empty: none."
          >
            <input {...textProps('recordingCommand')} className="input" type="text" placeholder="/usr/local/bin/upload-recording" />
          </SettingField>
          <SettingField
            settingKey="recordingCommandSeconds"
            controlId="setting-recordingCommandSeconds"
            dirty={dirty('recordingCommandSeconds')}
            help="A recording command still running after this long is stopped, with everything it started."
          >
            <input {...textProps('recordingCommandSeconds')} className="input input-port" type="text" inputMode="numeric" />
          </SettingField>
          <SettingField
            settingKey="logLevel"
            controlId="setting-logLevel"
            dirty={dirty('logLevel')}
            help="Minimum level written to the console and the log file."
          >
            <select
              id="setting-logLevel"
              data-testid="setting-logLevel"
              className="input select"
              value={draft.logLevel}
              onChange={(event) => {
                const level = logLevels.find((l) => l === event.target.value);
                if (level) editSetting('logLevel', level);
              }}
            >
              {logLevels.map((level) => (
                <option key={level} value={level}>
                  {level}
                </option>
              ))}
            </select>
          </SettingField>
        </div>
      </fieldset>

      <fieldset className="panel">
        <legend className="panel-title">Events</legend>
        <div className="panel-body settings-grid">
          <div className="span-all">
            <SettingField
              settingKey="viewerThresholds"
              controlId="setting-viewerThresholds"
              dirty={dirty('viewerThresholds')}
              help="Viewer counts to be told about, e.g. 10, 100, 1000 (up to 8): when a stream's viewers cross one, up or down, a viewers.threshold webhook and event go out. Empty: off."
            >
              <input {...textProps('viewerThresholds')} className="input input-mono" type="text" placeholder="off" />
            </SettingField>
          </div>
        </div>
      </fieldset>
    </form>
  );
}
