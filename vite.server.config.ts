import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The server as plain JavaScript in out/server, run by `node out/server/index.js` with no loader
 * between the signals and Node. A bundle, since the sources' extensionless imports need resolving.
 */
export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'out/server',
    emptyOutDir: true,
    // The oldest Node the project supports (package.json engines); production runs 22.
    target: 'node20.19',
    minify: false,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'server/index.ts'),
        admin: resolve(import.meta.dirname, 'server/cli/admin.ts'),
        // The admin tool's enrol command reads a card in a worker thread, started from beside it.
        'pcsc-worker': resolve(import.meta.dirname, 'src/main/card/pcsc/pcsc-worker.ts'),
      },
      // Chunks beside the entries, so `import.meta.url` finds pcsc-worker.js from any of them.
      output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
