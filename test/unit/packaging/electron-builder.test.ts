import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
> & {
  win: { target: { target: string }[] };
  nsis: Record<string, unknown>;
  msi: Record<string, unknown>;
  linux: { target: string[] };
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
};

describe('packaging configuration (electron-builder.yml)', () => {
  it('is valid against electron-builder’s own schema', () => {
    const schemaPath = createRequire(import.meta.url).resolve('app-builder-lib/scheme.json');
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    expect(validate(config), ajv.errorsText(validate.errors)).toBe(true);
  }, 60_000); // compiling electron-builder's large schema takes seconds on a loaded machine

  it('builds NSIS and MSI for Windows and deb and AppImage for Linux', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
  });

  it('installs per machine, with desktop and start-menu shortcuts', () => {
    for (const installer of [config.nsis, config.msi]) {
      expect(installer['perMachine']).toBe(true);
      expect(installer['createStartMenuShortcut']).toBe(true);
      expect(installer['createDesktopShortcut']).toBe('always');
    }
  });

  it('unpacks the native PC/SC module from the asar archive and never rebuilds it', () => {
    expect(config.asarUnpack).toContain('**/node_modules/smartcard/**');
    expect(config['npmRebuild']).toBe(false);
    expect(config['nodeGypRebuild']).toBe(false);
  });

  it('sets the production fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('takes its version from package.json (none written in the config)', () => {
    expect(config['version']).toBeUndefined();
    expect(config['extraMetadata']).toBeUndefined();
  });
});
