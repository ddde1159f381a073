// Builds the studio UI into dist/renderer, which the studio server serves at `/`.
// `npm run dev:ui` serves it with hot reload and forwards the API to a studio
// already running on 127.0.0.1:8935 (or FRAMEHOUSE_DEV_API).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = process.env.FRAMEHOUSE_DEV_API ?? 'http://127.0.0.1:8935';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
  },
  server: {
    proxy: {
      '/api': {
        target: apiTarget,
        ws: true,
        // The studio guards writes with Host and Origin checks (DNS rebinding);
        // present the proxied requests as if they came from the studio's own page.
        changeOrigin: true,
        configure(proxy) {
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', apiTarget);
          });
          proxy.on('proxyReqWs', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', apiTarget);
          });
        },
      },
    },
  },
});
