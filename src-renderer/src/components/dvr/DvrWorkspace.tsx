import { useCallback, useEffect, useLayoutEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/endpoints';
import { isTypingTarget } from '../../lib/keys';
import { dvrAction } from '../../lib/timeline/keymap';
import { markedRange } from '../../lib/timeline/marks';
import { useStudio } from '../../store';
import { modalOpen } from '../common/Modal';
import { ArchivePlayer } from '../../engine/dvr/archive-player';
import { DvrController, type DvrEnvironment, type DvrPlace, type LaneInfo } from '../../engine/dvr/dvr-controller';
import { laneFps, nominalRate } from '../../engine/dvr/lane-rate';
import { DvrPlayers } from './DvrPlayers';
import { DvrToolbar, focusJump } from './DvrToolbar';
import { DvrTransport } from './DvrTransport';
import { ExportDialog } from './ExportDialog';
import { ExportTray } from './ExportTray';
import { Timeline } from './Timeline';

/** The controller's ties to the app: the studio's store, hls.js players, the summary API. */
const dvrEnvironment: DvrEnvironment = {
  studio: useStudio,
  createPlayer: (stream, video, token, changed) => new ArchivePlayer(stream, video, token, changed),
  fetchSummary: api.dvrSummary,
};

/** The view and playhead when the section was left, for the same streams: coming back finds them as they were. */
let lastPlace: { streams: string; place: DvrPlace } | null = null;

/** The timeline, players and marks for the chosen streams. */
export function DvrWorkspace() {
  const [controller] = useState(() => {
    const streams = useStudio.getState().dvrStreams.join('\n');
    return new DvrController(dvrEnvironment, lastPlace?.streams === streams ? lastPlace.place : null);
  });
  const active = useStudio((s) => s.dvrActive);
  const loadLocks = useStudio((s) => s.loadDvrLocks);
  // Tokens and rates change rarely; the streams tick every second must not rebuild the lanes.
  const laneFacts = useStudio(
    useShallow((s) =>
      s.dvrStreams.map((name) => {
        const info = s.streamsByName[name];
        const measured = info?.video && info.video.fps > 0 ? nominalRate(info.video.fps) : '';
        return `${name}\u0000${info?.config?.playToken ?? ''}\u0000${info?.video?.declaredFps ?? ''}\u0000${measured}`;
      }),
    ),
  );
  const [archivedFps, setArchivedFps] = useState<Record<string, number | undefined>>({});
  const [exportOpen, setExportOpen] = useState(false);

  const lanes: LaneInfo[] = useMemo(
    () =>
      laneFacts.map((fact) => {
        const [stream, token, declared, measured] = fact.split('\u0000') as [string, string, string, string];
        return {
          stream,
          token: token || null,
          fps: laneFps(declared === '' ? null : Number(declared), archivedFps[stream], measured === '' ? null : Number(measured)),
        };
      }),
    [laneFacts, archivedFps],
  );

  useEffect(() => {
    controller.start();
    return () => {
      lastPlace = { streams: controller.lanes.map((l) => l.stream).join('\n'), place: controller.place() };
      controller.stop();
    };
  }, [controller]);

  // Before the players' own effects run (layout effects come first): they read their lane's token and rate.
  useLayoutEffect(() => {
    controller.setLanes(lanes, active);
  }, [controller, lanes, active]);

  // Stream and token only: what the fetches below need (rates arriving must not fetch again).
  const sourceKey = lanes.map((l) => `${l.stream}\u0000${l.token ?? ''}`).join('\n');
  const sources = useMemo(
    () =>
      sourceKey === ''
        ? []
        : sourceKey.split('\n').map((line) => {
            const [stream, token] = line.split('\u0000') as [string, string];
            return { stream, token: token || null };
          }),
    [sourceKey],
  );

  // Each stream's archive extent and recorded frame rate (media_info), and its locks.
  useEffect(() => {
    const abort = new AbortController();
    const load = () => {
      for (const lane of sources) {
        api
          .mediaInfo(lane.stream, lane.token, abort.signal)
          .then((info) => {
            controller.setExtent(lane.stream, info.archive);
            const fps = info.tracks.find((t) => t.content === 'video')?.fps;
            if (fps !== undefined) setArchivedFps((prev) => (prev[lane.stream] === fps ? prev : { ...prev, [lane.stream]: fps }));
          })
          .catch(() => undefined);
      }
    };
    load();
    for (const lane of sources) void loadLocks(lane.stream);
    const timer = setInterval(load, 15_000);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [controller, sources, loadLocks]);

  const openExport = useCallback(() => {
    const state = useStudio.getState();
    if (markedRange(state.dvrMarks)) setExportOpen(true);
    else state.pushToast({ tone: 'info', text: 'Mark In and Out first: I and O at the playhead, or type the times' });
  }, []);

  // The keys (see lib/timeline/keymap.ts): quiet while typing, in a dialog, or with the shortcut list open.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Held keys repeat only for stepping (arrows); a held L must not race to 8×.
      if (event.defaultPrevented || (event.repeat && !event.key.startsWith('Arrow'))) return;
      if (modalOpen() || useStudio.getState().shortcutsOpen || isTypingTarget(event.target)) return;
      const action = dvrAction(event);
      if (!action) return;
      event.preventDefault();
      controller.dispatch(action, { openExport, focusJump });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [controller, openExport]);

  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);

  return (
    <div className="dvr" data-testid="dvr-workspace">
      <DvrToolbar controller={controller} live={snapshot.live} />
      <DvrPlayers controller={controller} lanes={lanes} active={active} snapshot={snapshot} />
      <DvrTransport controller={controller} snapshot={snapshot} onExport={openExport} />
      <Timeline controller={controller} laneCount={lanes.length} />
      <ExportTray />
      {exportOpen && <ExportDialog controller={controller} onClose={() => setExportOpen(false)} />}
    </div>
  );
}
