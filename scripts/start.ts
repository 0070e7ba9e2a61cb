import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-binary';
import { notYet } from './not-yet';

/**
 * `npm start`: the app on the embedded defaults. Runs Electron where its binary is available;
 * otherwise, and with `--browser`, serves the same app to a browser on 127.0.0.1.
 */
function main(): void {
  const browser = process.argv.includes('--browser');
  if (!browser) {
    const electron = findElectronBinary();
    if (electron.found) {
      const child = spawn('npx', ['electron-vite', 'dev'], { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    console.log(`Electron cannot start here: ${electron.reason}.`);
    console.log('Serving the app in browser mode instead.');
  }
  notYet(
    'Browser mode (the embedded server, the demo holder and the virtual card behind a loopback page)',
    5,
    'Meanwhile `npm run build` builds the app, and `npm test` runs the suite.',
  );
}

main();
