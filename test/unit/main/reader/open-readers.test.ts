import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { openReaders } from '../../../../src/main/reader/open-readers';
import { DEFAULT_SETTINGS } from '../../../../src/main/settings/settings-schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-open-readers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening the readers in mock reader mode', () => {
  it('when no profile exists yet, then a card is created in the default file and its reader opens', async () => {
    const path = join(dir, 'card.json');
    const opened = await openReaders(
      { ...DEFAULT_SETTINGS, mockReader: true },
      { defaultMockProfilePath: path, logger: createMemoryLogger().logger },
    );
    expect(opened.ok).toBe(true);
    if (opened.ok) await opened.value.backend.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ holderName: 'Mr John Rigby' });
  });

  it('when the profile is malformed, then it is a settings error naming the file and the field', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({ guid: 'not hex', holderName: 'X', pin: '1234', puk: '12345678' }),
    );
    const opened = await openReaders(
      { ...DEFAULT_SETTINGS, mockReader: true, mockCardProfile: path },
      { defaultMockProfilePath: join(dir, 'unused.json'), logger: createMemoryLogger().logger },
    );
    expect(opened).toMatchObject({
      ok: false,
      error: {
        code: 'SETTINGS_INVALID',
        details: { field: 'mockCardProfile', source: path, fix: expect.stringContaining('guid') },
      },
    });
  });
});
