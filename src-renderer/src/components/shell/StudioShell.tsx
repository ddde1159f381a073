import { useFileDrop } from '../../app/use-file-drop';
import { useGlobalShortcuts } from '../../app/use-shortcuts';
import { useStudioSession } from '../../app/use-studio-session';
import { HelpDialogs } from '../help/HelpDialogs';
import { DropOverlay } from './DropOverlay';
import { NoticeBanner } from './NoticeBanner';
import { PortMovedBanner } from './PortMovedBanner';
import { ReconnectOverlay } from './ReconnectOverlay';
import { SectionView } from './SectionView';
import { ShortcutOverlay } from './ShortcutOverlay';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';
import { ToastArea } from './ToastArea';
import { TopBar } from './TopBar';

/** The signed-in studio: sidebar, the open section, and the status bar. */
export function StudioShell() {
  useStudioSession();
  useGlobalShortcuts();
  const dragging = useFileDrop();

  return (
    <div className="shell">
      <Sidebar />
      <div className="workspace">
        <TopBar />
        <PortMovedBanner />
        <NoticeBanner />
        <main className="workspace-body" id="main">
          <SectionView />
        </main>
      </div>
      <StatusBar />
      <ToastArea />
      <ShortcutOverlay />
      <HelpDialogs />
      <DropOverlay visible={dragging} />
      <ReconnectOverlay />
    </div>
  );
}
