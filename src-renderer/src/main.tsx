import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bootstrap } from './app/bootstrap';
import './styles/theme.css';
import './styles/shell.css';
import './styles/controls.css';
import './styles/panels.css';
import './styles/settings.css';
import './styles/monitor.css';
import './styles/watch.css';
import './styles/dvr.css';
import './styles/library.css';
import './styles/mixer.css';
import './styles/help.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

void bootstrap();
