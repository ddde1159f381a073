import { useGlobalShortcuts } from '../../app/use-shortcuts';
import { useStudioSession } from '../../app/use-studio-session';
import { NoticeBanner } from './NoticeBanner';
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

  return (
    <div className="shell">
      <Sidebar />
      <div className="workspace">
        <TopBar />
        <NoticeBanner />
        <main className="workspace-body" id="main">
          <SectionView />
        </main>
      </div>
      <StatusBar />
      <ToastArea />
      <ShortcutOverlay />
    </div>
  );
}
