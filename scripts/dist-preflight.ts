import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** electron-builder's platform flags, and the Node platform each one needs to be built on. */
const TARGET_FLAGS: Readonly<Record<string, NodeJS.Platform>> = {
  '--win': 'win32',
  '--windows': 'win32',
  '-w': 'win32',
  '--linux': 'linux',
  '-l': 'linux',
  '--mac': 'darwin',
  '--macos': 'darwin',
  '-m': 'darwin',
};

/**
 * Why installers must not be built here, or undefined when they may: without the compiled optional
 * `smartcard` binding for this OS, every holder would see "Smartcard support is missing" (ADR
 * 0004).
 */
export function distPreflight(input: {
  readonly platform: NodeJS.Platform;
  readonly args: readonly string[];
  /** The compiled binding, when `npm ci` built it. */
  readonly bindingFile: string | undefined;
}): string | undefined {
  const foreign = input.args.filter((a) => {
    const wanted = TARGET_FLAGS[a];
    return wanted !== undefined && wanted !== input.platform;
  });
  if (foreign.length > 0) {
    return `${foreign.join(' ')} cannot be built on ${input.platform}: the smartcard binding is compiled for the build machine's operating system, so build each platform's installers on that platform (docs/deployment.md).`;
  }
  if (input.bindingFile === undefined) {
    return 'The smartcard binding was not built (node_modules/smartcard/build/Release/smartcard_napi.node is missing): installers built now could not use a card reader. Install the PC/SC headers and a C++ compiler (Debian: libpcsclite-dev, g++, make, python3; Windows: Visual Studio Build Tools with the C++ workload), run `npm ci` again, and check that it compiled `smartcard` without errors.';
  }
  return undefined;
}

/** The compiled `smartcard` binding in this checkout, if `npm ci` built it. */
export function findBindingFile(from: string): string | undefined {
  // The package's exports hide its package.json and build folder, so look where Node would.
  const folders = createRequire(join(from, 'package.json')).resolve.paths('smartcard') ?? [];
  for (const folder of folders) {
    if (!existsSync(join(folder, 'smartcard', 'package.json'))) continue;
    const file = join(folder, 'smartcard', 'build', 'Release', 'smartcard_napi.node');
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}
