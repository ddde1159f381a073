import { useCallback, useEffect, useRef, useState } from 'react';
import { Upload } from 'tus-js-client';
import { formatBytes } from '../../lib/format';

export interface UploadItem {
  id: number;
  name: string;
  bytes: number;
  sent: number;
  state: 'uploading' | 'done' | 'failed';
  error: string | null;
  /** Bytes per second over the last few seconds. */
  rate: number;
}

let nextId = 1;

/** What the server said when it refused, without tus-js-client's wrapping. */
function reasonOf(error: Error): string {
  const body = /response text: (.*?)(?:, request id|$)/s.exec(error.message)?.[1];
  return body?.trim() || error.message;
}

/**
 * Resumable uploads into one library folder (tus): each file goes in 8 MB requests,
 * retried when the connection drops, and continued where it stopped after a reload
 * (tus-js-client remembers it by the file's fingerprint).
 */
export function useUploads(folder: string) {
  const [list, setList] = useState<UploadItem[]>([]);
  const running = useRef(new Map<number, Upload>());

  const update = useCallback((id: number, change: Partial<UploadItem>) => setList((items) => items.map((i) => (i.id === id ? { ...i, ...change } : i))), []);

  const add = useCallback(
    (files: File[]) => {
      for (const file of files) {
        const id = nextId++;
        setList((items) => [...items, { id, name: file.name, bytes: file.size, sent: 0, state: 'uploading', error: null, rate: 0 }]);
        let last = { at: performance.now(), sent: 0 };
        const upload = new Upload(file, {
          endpoint: new URL('/api/library/uploads', window.location.origin).href,
          chunkSize: 8 * 1024 * 1024,
          retryDelays: [0, 1000, 3000, 5000, 10_000, 20_000],
          metadata: { filename: file.name, folder, filetype: file.type },
          removeFingerprintOnSuccess: true,
          onProgress: (sent) => {
            const now = performance.now();
            const rate = now - last.at > 500 ? ((sent - last.sent) * 1000) / (now - last.at) : undefined;
            if (rate !== undefined) last = { at: now, sent };
            update(id, { sent, ...(rate !== undefined ? { rate } : {}) });
          },
          onSuccess: () => {
            running.current.delete(id);
            update(id, { state: 'done', sent: file.size });
          },
          onError: (error) => {
            running.current.delete(id);
            update(id, { state: 'failed', error: reasonOf(error) });
          },
        });
        running.current.set(id, upload);
        void upload.findPreviousUploads().then((previous) => {
          if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        });
      }
    },
    [folder, update],
  );

  const cancel = useCallback((id: number) => {
    const upload = running.current.get(id);
    running.current.delete(id);
    setList((items) => items.filter((i) => i.id !== id));
    void upload?.abort(true).catch(() => undefined);
  }, []);

  // Finished uploads leave the queue after a while; failed ones stay until dismissed.
  useEffect(() => {
    if (!list.some((i) => i.state === 'done')) return;
    const timer = setTimeout(() => setList((items) => items.filter((i) => i.state !== 'done')), 6000);
    return () => clearTimeout(timer);
  }, [list]);

  return { list, add, cancel };
}

export function UploadQueue({ uploads, onCancel }: { uploads: UploadItem[]; onCancel: (id: number) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className="plain-list upload-queue" data-testid="upload-queue">
      {uploads.map((u) => {
        const share = u.bytes > 0 ? u.sent / u.bytes : 1;
        return (
          <li key={u.id} className={`upload-item is-${u.state}`} data-testid="upload-item" data-state={u.state} data-name={u.name}>
            <span className="upload-name" title={u.name}>
              {u.name}
            </span>
            <progress className="upload-progress" max={1} value={share} aria-label={`${u.name} uploaded`} />
            <span className="upload-figures">
              {u.state === 'failed' ? u.error : u.state === 'done' ? `${formatBytes(u.bytes)} · done` : `${Math.floor(share * 100)} % · ${formatBytes(u.sent)} of ${formatBytes(u.bytes)}${u.rate > 0 ? ` · ${formatBytes(u.rate)}/s` : ''}`}
            </span>
            <button type="button" className="icon-button" title={u.state === 'uploading' ? 'Stop and discard' : 'Dismiss'} onClick={() => onCancel(u.id)}>
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
