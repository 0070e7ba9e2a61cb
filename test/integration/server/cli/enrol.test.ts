import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { runAdmin } from '../../../../server/cli/run-admin';
import { createServices } from '../../../../server/create-services';
import { fileURLToPath } from 'node:url';
import { startCardStack, type CardStack } from '../../../support/card-stack';
import { pcscSkipReason } from '../../../support/pcscd';
import { inserted } from '../../../support/reader-events';

const skip = pcscSkipReason();
const GUID = '0badcafe'.repeat(4);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const CARD_ENTRY = fileURLToPath(new URL('./piv-card-process.ts', import.meta.url));

describe.skipIf(skip !== undefined)(
  'enrolling the card in a local reader (real pcscd, virtual card through vpcd)',
  () => {
    let stack: CardStack;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scu-enrol-'));
      stack = await startCardStack();
      const profile = join(dir, 'card.json');
      writeFileSync(
        profile,
        JSON.stringify({
          guid: GUID,
          holderName: 'Mr John Rigby',
          pin: '123456',
          puk: '12345678',
          pinTriesLeft: 0,
          pukTriesLeft: 3,
        }),
      );
      const since = stack.events.mark();
      stack.spawnCard(CARD_ENTRY, ['--profile', profile, '--port', String(stack.pcscd.ports[0])]);
      await stack.events.waitFor(inserted(stack.pcscd.readerNames[0]), since);
    });

    afterAll(async () => {
      await stack?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('when `npm run admin -- enrol` runs with the card in the reader, then its GUID and certificates are stored with the holder and the PUK from stdin', async () => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: join(dir, 'data'),
        ...stack.pcscd.env,
      };
      // A process of its own: one PC/SC binding per process (this test process already has one).
      const child = spawn(
        join(root, 'node_modules', '.bin', 'tsx'),
        [
          'server/cli/admin.ts',
          'enrol',
          '--dev',
          '--name',
          'Mr John Rigby',
          '--email',
          'john.rigby@nhs.net',
        ],
        { cwd: root, env },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdin.end('12345678\n');
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout.trim()).toBe(
        `Enrolled card ${GUID} for Mr John Rigby from ${stack.pcscd.readerNames[0]}.`,
      );

      const out: string[] = [];
      const shown = await runAdmin({
        argv: ['show', GUID, '--dev', '--json'],
        env: { DATA_DIR: join(dir, 'data') },
        cwd: dir,
        out: (t) => out.push(t),
        err: (t) => out.push(t),
        readLine: () => Promise.resolve(''),
        openCore: (settings) => createServices(settings.core),
        openLocalCard: () => Promise.reject(new Error('not used')),
      });
      expect(shown).toBe(0);
      expect(JSON.parse(out.join('\n'))).toMatchObject({
        cardId: GUID,
        holderName: 'Mr John Rigby',
        registered: false,
      });
    });
  },
);
