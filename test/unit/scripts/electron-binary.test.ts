import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../../scripts/electron-binary';

describe('finding the Electron binary', () => {
  it('when an Electron build is present, then it is found', () => {
    const dist = mkdtempSync(join(tmpdir(), 'electron-dist-'));
    const pathTxt = join(dirname(createRequire(import.meta.url).resolve('electron')), 'path.txt');
    let executable = 'electron';
    try {
      executable = readFileSync(pathTxt, 'utf8');
    } catch {
      // No path.txt until Electron has been downloaded once: the package then uses 'electron'.
    }
    writeFileSync(join(dist, executable), '#!/bin/sh\n');
    chmodSync(join(dist, executable), 0o755);
    const result = findElectronBinary({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(result).toEqual({ found: true, path: join(dist, executable) });
  });

  it('when the binary is absent, then it says why instead of throwing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'electron-none-'));
    const result = findElectronBinary({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(result.found).toBe(false);
    if (!result.found) expect(result.reason).toMatch(/Electron binary/);
  });
});
