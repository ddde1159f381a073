import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AboutInfo } from '../../../../src-main/contract/about-api';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { shortFfmpegVersion } from '../../lib/format';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { Modal } from '../common/Modal';
import { LogoMark } from '../icons';

/** The studio's version, and the third-party notices of what it ships (the bundled ffmpeg's build and licence, hls.js, …). */
export function AboutDialog({ onClose }: { onClose: () => void }) {
  const { systemVersion, serverVersion, os, ffmpeg } = useStudio(
    useShallow((s) => ({ systemVersion: s.system?.version ?? null, serverVersion: s.serverVersion, os: s.system?.platform ?? null, ffmpeg: s.ffmpeg })),
  );
  const [about, setAbout] = useState<AboutInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    api.about(abort.signal).then(setAbout, (err: unknown) => {
      if (abort.signal.aborted) return;
      setError(err instanceof ApiError && err.status === 404 ? 'This studio does not list its notices yet.' : errorMessage(err));
    });
    return () => abort.abort();
  }, []);

  const version = about?.version ?? systemVersion ?? serverVersion;
  const bundled = about?.ffmpeg ?? null;
  // Without a bundled build, the ffmpeg in use came from elsewhere (PATH, a setting) under its own licence.
  const inUse = ffmpeg?.available ? (
    <>
      The studio uses the ffmpeg at <code>{ffmpeg.path}</code> ({shortFfmpegVersion(ffmpeg.version)}), under that copy&apos;s own licence.
    </>
  ) : null;

  return (
    <Modal title="About Framehouse" onClose={onClose} className="dialog-about" testId="about">
      <div className="dialog-body about-body">
        <div className="about-brand">
          <LogoMark size={28} className="brand-mark" />
          <div>
            <p className="about-name">Framehouse</p>
            <p className="help" data-testid="about-version">
              Version {version ?? '…'}
              {os ? ` · ${os}` : ''} · {platform.kind === 'desktop' ? 'desktop app' : 'in the browser'}
            </p>
          </div>
        </div>
        <p className="about-blurb">Records, archives and serves live video on one machine.</p>

        <section className="about-notices" aria-labelledby="about-notices-title">
          <h3 className="welcome-heading" id="about-notices-title">
            Third-party software
          </h3>
          {!about && !error && <p className="muted">Loading…</p>}
          {error && (
            <p className="help" data-testid="about-unavailable">
              {error} {inUse}
            </p>
          )}
          {about && (
            <ul className="plain-list about-list">
              <li className="about-item" data-testid="about-ffmpeg">
                {bundled ? (
                  <details open>
                    <summary>
                      <span className="about-item-name">FFmpeg {shortFfmpegVersion(bundled.build.version)}</span>
                      <span className="chip">{bundled.build.licence}</span>
                      <span className="help">bundled, {bundled.build.target}</span>
                    </summary>
                    <div className="about-item-body">
                      {bundled.build.sources.map((source) => (
                        <p key={source.url} className="help about-source">
                          {source.provides.join(' and ')} from{' '}
                          {/^https?:\/\//.test(source.url) ? (
                            <a href={source.url} target="_blank" rel="noreferrer">
                              {source.url}
                            </a>
                          ) : (
                            <code>{source.url}</code>
                          )}
                          {source.sha256 && (
                            <>
                              {' '}
                              · SHA-256 <code className="about-hash">{source.sha256}</code>
                            </>
                          )}
                        </p>
                      ))}
                      {bundled.licenceText === null ? (
                        <p className="help help-warning">The licence text ({bundled.build.licenceFile}) is missing beside the bundled ffmpeg.</p>
                      ) : (
                        <pre className="about-licence" tabIndex={0} aria-label={`${bundled.build.licence} text`} data-testid="about-licence">
                          {bundled.licenceText}
                        </pre>
                      )}
                    </div>
                  </details>
                ) : (
                  <p className="help">FFmpeg is not bundled with this build. {inUse}</p>
                )}
              </li>
              {about.notices.map((notice) => (
                <li key={notice.name} className="about-item" data-testid="about-notice" data-name={notice.name}>
                  <details>
                    <summary>
                      <span className="about-item-name">{notice.name}</span>
                      <span className="chip">{notice.licence}</span>
                    </summary>
                    <div className="about-item-body">
                      <pre className="about-licence" tabIndex={0} aria-label={`${notice.name} licence text`}>
                        {notice.text}
                      </pre>
                    </div>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
