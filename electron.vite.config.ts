import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * Drops nhsuk-frontend's remote Frutiger `@font-face` rules: the CSP allows local fonts only and
 * Chromium would request them anyway; the design system's Arial fallback is used.
 */
function withoutRemoteFonts(): Plugin {
  return {
    name: 'smartcard-unlock:without-remote-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/].*\.css$/.test(id.split('?')[0] ?? '')) return null;
      return { code: code.replace(/@font-face\s*\{[^}]*\}/g, ''), map: null };
    },
  };
}

/** Three bundles: the main process (ESM), the sandboxed preload (CommonJS, as sandboxing requires) and the renderer. */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // The PC/SC worker thread is its own entry: the adapter starts it from
          // out/main/pcsc-worker.js.
          'pcsc-worker': resolve(import.meta.dirname, 'src/main/card/pcsc/pcsc-worker.ts'),
        },
        // Native and optional modules stay outside the bundle and load from node_modules.
        external: ['smartcard', 'better-sqlite3', 'pg', 'pg-native', '@node-rs/argon2'],
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require from node_modules: bundle zod and the contract in.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [react(), withoutRemoteFonts()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified. The design system's CSS comes minified, and
      // lightningcss cannot parse its old-IE hack (`@media screen\\0`), so CSS is left as shipped.
      minify: true,
      cssMinify: false,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
