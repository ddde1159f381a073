import { useEffect, useState } from 'react';
import type { PublicStream } from '../../../../src-main/contract/public-api';
import { api } from '../../api/endpoints';
import { formatDateTime, formatSpan } from '../../lib/timeline/clock';
import { useStudio } from '../../store';
import { renditionParent } from '../../../../src-main/contract/stream-name';
import { RecBadge } from '../monitor/RecBadge';
import { StateChip } from '../monitor/StateChip';
import { OpenByName } from './StreamPicker';

/** Archive extents of every recorded stream, listed or not any more, refreshed now and then. */
export function useArchiveExtents(): Record<string, PublicStream['archive']> {
  const [extents, setExtents] = useState<Record<string, PublicStream['archive']>>({});
  useEffect(() => {
    const controller = new AbortController();
    const load = () =>
      api
        .recordedStreams(controller.signal)
        .then((list) => setExtents(Object.fromEntries(list.map((s) => [s.stream, { firstMs: s.from * 1000, lastMs: s.to * 1000 }]))))
        .catch(() => undefined);
    void load();
    const timer = setInterval(() => void load(), 10_000);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, []);
  return extents;
}

/** The first view of the DVR: every stream with what its archive holds; one click opens its timeline. */
export function DvrChooser() {
  const listed = useStudio((s) => s.streamNames);
  const byName = useStudio((s) => s.streamsByName);
  const toggle = useStudio((s) => s.toggleDvrStream);
  const extents = useArchiveExtents();
  // Streams gone from the list (a publisher that left long ago) still have their recordings.
  const all = [...listed, ...Object.keys(extents).filter((name) => !listed.includes(name)).sort()];
  // A ladder's recorded renditions (live/cam/720p) play inside their stream's player (its quality menu), not as streams of their own.
  const renditions: Record<string, string[]> = {};
  const names = all.filter((name) => {
    const parent = renditionParent(name);
    if (parent === null || !all.includes(parent)) return true;
    (renditions[parent] ??= []).push(name.slice(parent.length + 1));
    return false;
  });

  return (
    <div className="dvr-chooser" data-testid="dvr-chooser">
      <div className="dvr-chooser-head">
        <h2 className="dvr-chooser-title">Choose a stream</h2>
        <p className="help">Open one stream, or add more from the timeline to stack cameras on one time axis.</p>
      </div>
      <ul className="plain-list dvr-chooser-list">
        {names.map((name) => {
          const info = byName[name];
          const archive = extents[name] ?? null;
          return (
            <li key={name}>
              <button type="button" className="dvr-chooser-item" data-testid="dvr-choose-stream" data-stream={name} onClick={() => toggle(name)}>
                <span className="dvr-chooser-name">{name}</span>
                {info?.title && <span className="dvr-chooser-sub">{info.title}</span>}
                <span className="dvr-chooser-archive">
                  {archive
                    ? `${formatSpan((archive.lastMs - archive.firstMs) / 1000)} recorded · since ${formatDateTime(archive.firstMs / 1000, false)}`
                    : 'Nothing recorded yet'}
                  {renditions[name] && ` · with ${renditions[name].sort((a, b) => parseInt(b) - parseInt(a)).join(', ')}`}
                </span>
                <span className="dvr-chooser-badges">
                  {info && <RecBadge dvr={info.dvr} />}
                  {info && <StateChip state={info.state} />}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <OpenByName />
    </div>
  );
}
