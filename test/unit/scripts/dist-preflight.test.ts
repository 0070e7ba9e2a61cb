import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distPreflight, findBindingFile } from '../../../scripts/dist-preflight';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const binding = '/build/node_modules/smartcard/build/Release/smartcard_napi.node';

describe('the installers build preflight', () => {
  it('when the binding is built and the targets are this platform, then it may build', () => {
    expect(distPreflight({ platform: 'win32', args: [], bindingFile: binding })).toBeUndefined();
    expect(
      distPreflight({
        platform: 'linux',
        args: ['--linux', '--publish', 'never'],
        bindingFile: binding,
      }),
    ).toBeUndefined();
  });

  it('when Windows installers are asked for on Linux, then it refuses and says to build them on Windows', () => {
    const why = distPreflight({ platform: 'linux', args: ['--win'], bindingFile: binding });
    expect(why).toContain('--win cannot be built on linux');
    expect(why).toContain('build each platform');
  });

  it('when npm ci did not compile the binding, then it refuses and says what the build machine needs', () => {
    const why = distPreflight({ platform: 'win32', args: [], bindingFile: undefined });
    expect(why).toContain('smartcard_napi.node is missing');
    expect(why).toContain('Visual Studio Build Tools');
    expect(why).toContain('libpcsclite-dev');
  });

  it('finds the binding this checkout compiled, and nothing where there is none', () => {
    expect(findBindingFile(root)).toMatch(/smartcard_napi\.node$/);
    expect(findBindingFile('/nonexistent/checkout')).toBeUndefined();
  });
});
