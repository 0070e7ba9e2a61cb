// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Node built-in modules, with and without the `node:` prefix, for the runtime boundaries below. */
const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'tls',
  'http',
  'https',
  'worker_threads',
  'stream',
  'events',
  'url',
  'util',
  'buffer',
];

/** Raw IPC is allowed only in the typed wrappers; everything else goes through them. */
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'Use the typed IPC wrappers (src/main/ipc/ipc-main-transport.ts, src/preload/ipc-renderer-transport.ts) instead of raw ipcMain/ipcRenderer.',
};
const typedIpcWrappers = [
  'src/main/ipc/ipc-main-transport.ts',
  'src/preload/ipc-renderer-transport.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      '.tsbuild/',
      'coverage/',
      'test-results/',
      'data/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-console': 'off',
      'no-restricted-imports': ['error', { paths: [rawIpc] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The renderer is a web page: no Node, no Electron, no reaching into other runtimes.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The renderer must not import electron: use window.api from the preload.',
            },
          ],
          patterns: [
            {
              group: nodeBuiltins,
              message: 'The renderer runs in a sandboxed web page: no Node modules.',
            },
            {
              group: ['**/main/**', '**/preload/**', '**/server/**'],
              message: 'The renderer may import only src/shared and its own files.',
            },
          ],
        },
      ],
    },
  },
  {
    // Shared contracts are runtime-free: zod and each other, nothing else.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./[^/]+$).*',
              message: 'src/shared imports only zod and files beside it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The card layer is a library: no Electron, so it runs in Node, workers and tests.
    files: ['src/main/card/**/*.ts', 'server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The card layer and the server must not depend on Electron.',
            },
          ],
          patterns: [{ group: ['**/renderer/**'], message: 'Do not import the renderer.' }],
        },
      ],
    },
  },
  {
    // The domain depends on its ports only: storage, mail and Kysely are adapters wired in
    // server/create-services.ts (docs/decisions/0017-attempt-engine.md).
    files: ['server/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The card layer and the server must not depend on Electron.',
            },
            { name: 'kysely', message: 'The domain reaches storage through its ports only.' },
          ],
          patterns: [
            { group: ['**/renderer/**'], message: 'Do not import the renderer.' },
            {
              group: ['**/storage/**', '**/mail/**', '**/delivery/**', 'kysely/**'],
              message:
                'The domain depends on its own ports (server/domain/*port*.ts) only; adapters live outside it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: typedIpcWrappers,
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // expect.objectContaining and friends are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
