import { findElectronBinary } from '../../scripts/electron-binary';

/** Whether Electron tests can run here; when not, the reason is printed once so the skip is visible. */
export function electronAvailability(): { readonly available: boolean; readonly path?: string } {
  const binary = findElectronBinary();
  if (binary.found) return { available: true, path: binary.path };
  console.warn(
    `[electron] skipping the Electron tests: ${binary.reason}. They run where Electron is installed.`,
  );
  return { available: false };
}
