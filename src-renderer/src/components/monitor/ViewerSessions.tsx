import { useCallback, useEffect, useState } from 'react';
import type { ViewerSession } from '../../../../src-main/contract/studio-api';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { formatBytes, formatUptime } from '../../lib/format';
import { displayAddress } from '../../lib/stream-events';
import { formatAge } from '../../lib/stream-format';
import { describeUserAgent } from '../../lib/user-agent';
import { useStudio } from '../../store';

const REFRESH_MS = 5000;
const protocolNames: Record<ViewerSession['protocol'], string> = { hls: 'HLS', mpegts: 'MPEG-TS', webrtc: 'WebRTC' };

/**
 * Who watches this stream now: address, player, how long and how much, each with
 * End (the viewer's connection is cut; a player that retries comes back as new).
 * Fetched again every few seconds and whenever the viewer count changes.
 */
export function ViewerSessions({ name, viewers }: { name: string; viewers: number }) {
  const pushToast = useStudio((s) => s.pushToast);
  const [sessions, setSessions] = useState<ViewerSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());

  // Answers are applied in callbacks (never synchronously in the effect), as React's rules ask.
  const fetchSessions = useCallback(
    (signal?: AbortSignal) =>
      api.sessions(name, signal).then(
        (list) => {
          setSessions(list); // the server lists one stream's sessions, oldest first
          setError(null);
          setNow(Date.now());
        },
        (err: unknown) => {
          if (signal?.aborted) return;
          setError(errorMessage(err));
          setNow(Date.now());
        },
      ),
    [name],
  );

  useEffect(() => {
    const abort = new AbortController();
    void fetchSessions(abort.signal);
    const timer = setInterval(() => void fetchSessions(abort.signal), REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [fetchSessions, viewers]);

  const end = async (session: ViewerSession) => {
    setEnding((s) => new Set(s).add(session.id));
    try {
      await api.endSession(session.id);
      setSessions((list) => list?.filter((s) => s.id !== session.id) ?? null);
      pushToast({ tone: 'quiet', text: `Ended ${displayAddress(session.ip) ?? session.ip} watching ${name}`, stream: name });
    } catch (err) {
      pushToast({ tone: 'danger', text: `Could not end the session: ${errorMessage(err)}`, stream: name });
    } finally {
      setEnding((s) => {
        const next = new Set(s);
        next.delete(session.id);
        return next;
      });
      void fetchSessions();
    }
  };

  return (
    <section className="details-section" aria-labelledby="viewers-title" data-testid="viewer-sessions">
      <h3 className="details-heading details-heading-row" id="viewers-title">
        Viewers
        <span className={`details-heading-count${viewers === 0 ? ' is-zero' : ''}`} data-testid="details-viewers">
          {viewers}
        </span>
      </h3>
      {error && sessions === null ? (
        <p className="muted">{error}</p>
      ) : sessions === null ? (
        <p className="muted">Loading…</p>
      ) : sessions.length === 0 ? (
        <p className="muted" data-testid="viewer-sessions-empty">
          Nobody is watching.
        </p>
      ) : (
        <ul className="sessions plain-list">
          {sessions.map((session) => {
            const agent = describeUserAgent(session.userAgent);
            const started = Date.parse(session.startedAt);
            const seen = Date.parse(session.lastSeenAt);
            return (
              <li key={session.id} className="session" data-testid="viewer-session" data-session={session.id}>
                <div className="session-text">
                  <div className="session-line">
                    <span className="session-ip">{displayAddress(session.ip) ?? session.ip}</span>
                    <span className="badge badge-quiet session-protocol">{protocolNames[session.protocol] ?? session.protocol}</span>
                    <span className="session-agent" title={session.userAgent || undefined}>
                      {agent}
                    </span>
                  </div>
                  <div className="session-figures">
                    <span title={session.startedAt}>for {Number.isFinite(started) ? formatUptime((now - started) / 1000) : '–'}</span>
                    <span className="sep">·</span>
                    <span>{formatBytes(session.bytesSent)} sent</span>
                    {session.protocol === 'webrtc' && (
                      <>
                        <span className="sep">·</span>
                        <span data-testid="viewer-session-link" title="From the viewer's RTCP receiver reports">
                          RTT {session.rttMs == null ? '–' : `${session.rttMs} ms`} · loss {session.lossPercent == null ? '–' : `${session.lossPercent}%`}
                        </span>
                      </>
                    )}
                    {Number.isFinite(seen) && now - seen > 3000 && (
                      <>
                        <span className="sep">·</span>
                        <span title={session.lastSeenAt}>last request {formatAge(now - seen)} ago</span>
                      </>
                    )}
                  </div>
                </div>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  data-testid="viewer-session-end"
                  disabled={ending.has(session.id)}
                  title="Cut this viewer off; a player that retries comes back as a new session"
                  onClick={() => void end(session)}
                >
                  End
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {error && sessions !== null && <p className="help help-warning">Not updating: {error}</p>}
    </section>
  );
}
