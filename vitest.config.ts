import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * One vitest run, several projects: fast unit tests, renderer components in jsdom, integration
 * tests on real services (pcscd, PostgreSQL, SMTP), end-to-end tests in Chromium, and the Electron
 * tests, which skip with a printed reason where the Electron binary is missing.
 */
export default defineConfig({
  test: {
    // Two cores: keep the pool small so services started by tests are not starved.
    maxWorkers: 2,
    // A guard against hangs, not a speed check: on a loaded two-core machine a unit test that
    // starts a worker thread or compiles a schema can take seconds.
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/unit/**/*.test.tsx'],
          environment: 'jsdom',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // The card tests run in their own project below, one file at a time.
          exclude: [...configDefaults.exclude, 'test/integration/card/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Real pcscd + vpcd + a virtual card process per file. Serial: where mount namespaces are
          // missing, pcscd is one daemon per machine, and two cores are enough for one stack at a time.
          name: 'card',
          include: ['test/integration/card/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'electron',
          include: ['test/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
