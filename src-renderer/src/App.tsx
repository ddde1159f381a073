import { LoginScreen } from './components/login/LoginScreen';
import { SplashScreen } from './components/login/SplashScreen';
import { StudioShell } from './components/shell/StudioShell';
import { WatchPage } from './components/watch/WatchPage';
import { platform } from './platform';
import { useStudio } from './store';

export function App() {
  const authStatus = useStudio((s) => s.authStatus);
  const loginOpen = useStudio((s) => s.loginOpen);
  switch (authStatus) {
    case 'checking':
      return <SplashScreen />;
    case 'unreachable':
      return <SplashScreen unreachable />;
    case 'signed-out':
      // A browser without a session is a visitor: it gets the streams to watch. The desktop window is always the studio.
      return platform.kind === 'browser' && !loginOpen ? <WatchPage /> : <LoginScreen />;
    case 'signed-in':
      return <StudioShell />;
  }
}
