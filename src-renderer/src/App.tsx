import { LoginScreen } from './components/login/LoginScreen';
import { SplashScreen } from './components/login/SplashScreen';
import { StudioShell } from './components/shell/StudioShell';
import { useStudio } from './store';

export function App() {
  const authStatus = useStudio((s) => s.authStatus);
  switch (authStatus) {
    case 'checking':
      return <SplashScreen />;
    case 'unreachable':
      return <SplashScreen unreachable />;
    case 'signed-out':
      return <LoginScreen />;
    case 'signed-in':
      return <StudioShell />;
  }
}
