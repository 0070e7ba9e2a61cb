import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronAvailability } from './support';

const electronHere = electronAvailability();

describe.skipIf(!electronHere.available)('the packaged app in Electron', () => {
  it('opens one hardened window showing the start screen', async () => {
    const app = await electron.launch({
      executablePath: electronHere.path!,
      args: [join(import.meta.dirname, '../../out/main/index.js')],
    });
    try {
      const page = await app.firstWindow();
      await expect.poll(() => page.title()).toBe('Smartcard Unlock');
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        const p = (
          wc as unknown as { getLastWebPreferences(): Record<string, unknown> }
        ).getLastWebPreferences();
        return {
          contextIsolation: p['contextIsolation'],
          sandbox: p['sandbox'],
          nodeIntegration: p['nodeIntegration'],
        };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
    } finally {
      await app.close();
    }
  });
});
