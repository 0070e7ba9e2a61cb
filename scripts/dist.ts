import { spawnSync } from 'node:child_process';
import { findElectronBinary } from './electron-binary';

/** `npm run dist`: builds the installers with electron-builder where the Electron binary is installed. */
function main(): void {
  const electron = findElectronBinary();
  if (!electron.found) {
    console.error(`Installers cannot be built here: ${electron.reason}.`);
    console.error(
      'electron-builder packages the Electron binary itself; run `npm run dist` on a machine that can download it.',
    );
    process.exit(2);
  }
  for (const command of [
    ['electron-vite', 'build'],
    ['electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)],
  ]) {
    const result = spawnSync('npx', command, { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

main();
