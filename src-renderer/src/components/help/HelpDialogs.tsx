import { useStudio } from '../../store';
import { Modal } from '../common/Modal';
import { AboutDialog } from './AboutDialog';
import { ObsGuide } from './ObsGuide';
import { WelcomeScreen } from './WelcomeScreen';

/** Whichever help dialog is open: the first-run screen, the OBS guide alone, or About. */
export function HelpDialogs() {
  const help = useStudio((s) => s.help);
  const openHelp = useStudio((s) => s.openHelp);
  const setSection = useStudio((s) => s.setSection);
  const close = () => openHelp(null);
  switch (help) {
    case null:
      return null;
    case 'welcome':
      return <WelcomeScreen />;
    case 'about':
      return <AboutDialog onClose={close} />;
    case 'obs-guide':
      return (
        <Modal title="OBS setup guide" onClose={close} className="dialog-guide" testId="obs-guide-dialog">
          <div className="dialog-body">
            <ObsGuide
              onOpenMonitor={() => {
                close();
                setSection('monitor');
              }}
            />
          </div>
        </Modal>
      );
  }
}
