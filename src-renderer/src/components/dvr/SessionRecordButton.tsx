import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { formatUptime } from '../../lib/format';
import { formatLabel, rotateFor, secondsSince, sessionOfLanes } from '../../lib/recording-files';
import { isLive } from '../../lib/stream-format';
import { useStudio } from '../../store';

/**
 * Record session: the lanes' live streams to files together, as one multicam session (to
 * be mixed later), with the format and rotation last chosen in the Monitor; Stop session
 * ends them all. The session is asked of the server when the view opens and whenever a
 * lane's recording changes, so a reload, or a stop from the Monitor, shows as it is.
 */
export function SessionRecordButton() {
  const lanes = useStudio((s) => s.dvrStreams);
  const liveLanes = useStudio(useShallow((s) => s.dvrStreams.filter((n) => s.streamsByName[n] && isLive(s.streamsByName[n].state))));
  const changes = useStudio((s) => s.dvrStreams.map((n) => s.recordingsVersion[n] ?? 0).join(','));
  const format = useStudio((s) => s.recordFormat);
  const rotation = useStudio((s) => s.recordRotation);
  const pushToast = useStudio((s) => s.pushToast);
  const [session, setSession] = useState<string | null>(null);
  const [busy, setBusy] = useState<'starting' | 'stopping' | null>(null);
  // The earliest start among the lanes in the session, from the streams tick.
  const since = useStudio((s) =>
    session === null
      ? null
      : (s.dvrStreams
          .flatMap((n) => {
            const files = s.streamsByName[n]?.files;
            return files?.session === session ? [files.since] : [];
          })
          .sort()[0] ?? null),
  );
  const [now, setNow] = useState(() => Date.now());

  const laneKey = lanes.join('\n');
  useEffect(() => {
    const abort = new AbortController();
    api.listRecordings({ limit: 1 }, abort.signal).then(
      (answer) => setSession(sessionOfLanes(answer.active, laneKey.split('\n'))),
      () => undefined, // the button stays as it was; the next change asks again
    );
    return () => abort.abort();
  }, [laneKey, changes]);

  useEffect(() => {
    if (session === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [session]);

  const start = async () => {
    setBusy('starting');
    try {
      const rotate = rotateFor(rotation);
      const answer = await api.startRecordingSession({ streams: liveLanes, format, ...(rotate ? { rotate } : {}) });
      setSession(answer.session);
      setNow(Date.now());
      pushToast({ tone: 'quiet', text: `Recording ${answer.streams.map((s) => s.stream).join(', ')} to ${formatLabel(format)} files as one session` });
    } catch (err) {
      pushToast({ tone: 'danger', text: `Session not started: ${errorMessage(err)}` });
    } finally {
      setBusy(null);
    }
  };

  const stop = async (id: string) => {
    setBusy('stopping');
    try {
      await api.stopRecordingSession(id);
      setSession(null);
      pushToast({ tone: 'quiet', text: 'Session stopped; its last files are finished in the background' });
    } catch (err) {
      pushToast({ tone: 'danger', text: `Session not stopped: ${errorMessage(err)}` });
    } finally {
      setBusy(null);
    }
  };

  const running = session !== null;
  const title = running
    ? 'Stop recording every stream of this session to files'
    : liveLanes.length === 0
      ? 'Record session: none of these streams is live'
      : `Record ${liveLanes.join(', ')} to ${formatLabel(format)} files together, as one session (format and rotation as last chosen in the Monitor)`;

  return (
    <button
      type="button"
      className={`button button-small rec-files-toggle dvr-session${running ? ' is-recording' : ''}`}
      data-testid="dvr-record-session"
      data-session={session ?? undefined}
      aria-pressed={running}
      disabled={busy !== null || (!running && liveLanes.length === 0)}
      title={title}
      onClick={() => void (session !== null ? stop(session) : start())}
    >
      <span className="rec-files-dot" aria-hidden="true" />
      {busy === 'starting' ? 'Starting…' : busy === 'stopping' ? 'Stopping…' : running ? 'Stop session' : 'Record session'}
      {running && since !== null && <span className="dvr-session-time">{formatUptime(secondsSince(since, now))}</span>}
    </button>
  );
}
