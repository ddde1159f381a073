// Layers are enforced here, as VS Code does: only the desktop shell and the preload
// may import Electron; only their two IPC wrappers touch ipcMain/ipcRenderer; the
// renderer takes nothing from the server but types and the contract's import-free rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { layersRule } from './scripts/lint/layers.mjs';

const electronBan = {
  name: 'electron',
  message: 'Only src-main/electron/ and src-preload/ may import Electron: the studio server runs under plain Node.',
};

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'test-reports/', 'playwright-report/', 'e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronBan] }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    plugins: { framehouse: { rules: { layers: layersRule } } },
    rules: { 'framehouse/layers': 'error' },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed wrappers (src-main/electron/ipc.ts, src-preload/index.ts).' }] },
      ],
    },
  },
  {
    files: ['src-main/electron/ipc.ts', 'src-preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [electronBan] }],
      // From the server, the renderer takes types only, except the contract's few
      // import-free rule files, whose values it bundles as they are. The API schemas
      // (studio-api, export-api, public-api) stay type-only: they pull TypeBox in.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Any path into src-main/ but those three files (with or without an extension).
              regex: '(^|/)src-main/(?!contract/(stream-name|mask-credentials|problem)(\\.[jt]s)?$)',
              allowTypeImports: true,
              message:
                'The renderer may import values only from src-main/contract/stream-name, mask-credentials and problem (import-free); from the rest of src-main, types only (`import type`).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['resources/player/**/*.js', 'resources/bench/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['src-renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
);
