import { spawnSync } from 'node:child_process';
import { distPreflight, findBindingFile } from './dist-preflight';
import { findElectronBinary } from './electron-binary';
import { writeIcon } from './make-icon';

/**
 * `npm run dist`: builds the installers with electron-builder where the Electron binary is
 * installed. `--test-build` keeps the inspect-arguments fuse on, which Playwright's _electron needs.
 */
function main(): void {
  const electron = findElectronBinary();
  if (!electron.found) {
    console.error(`Installers cannot be built here: ${electron.reason}.`);
    console.error(
      'electron-builder packages the Electron binary itself: run `npm run dist` on a machine that can download it (docs/deployment.md).',
    );
    process.exit(2);
  }
  const args = process.argv.slice(2);
  const refused = distPreflight({
    platform: process.platform,
    args,
    bindingFile: findBindingFile(process.cwd()),
  });
  if (refused !== undefined) {
    console.error(`Installers cannot be built here: ${refused}`);
    process.exit(2);
  }
  const testBuild = args.includes('--test-build');
  const passThrough = args.filter((a) => a !== '--test-build');
  writeIcon(process.cwd());
  const builderArgs = ['electron-builder', '--config', 'electron-builder.yml', ...passThrough];
  if (testBuild) builderArgs.push('-c.electronFuses.enableNodeCliInspectArguments=true');
  for (const command of [['electron-vite', 'build'], builderArgs]) {
    const result = spawnSync('npx', command, { stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

main();
