import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECHO_CARD_ENTRY, VIRTUAL_CARD_CLI } from '../../support/card-stack';
import { writeProfile } from '../../support/card-profile';
import { spawnVirtualCard } from '../../support/virtual-card-process';

/** A TCP port nobody listens on (bound, then released). */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

describe('the virtual card CLI as its own process', () => {
  it('says once, clearly, that it waits for vpcd when pcscd is not running, and stops cleanly on SIGTERM', async () => {
    const port = await closedPort();
    const card = spawnVirtualCard(ECHO_CARD_ENTRY, ['--profile', 'unused', '--port', String(port)]);
    const line = await card.waitForLine(/^Waiting for vpcd/);
    expect(line).toContain(`127.0.0.1:${port}`);
    expect(line).toMatch(/Is pcscd running with vsmartcard-vpcd\?/);
    expect(await card.stop()).toBe(0);
    expect(card.output.filter((l) => l.startsWith('Waiting for vpcd'))).toHaveLength(1);
  });

  it('refuses bad arguments with the usage and exit code 2', async () => {
    const card = spawnVirtualCard(ECHO_CARD_ENTRY, ['--port', '99999']);
    expect(await card.exited()).toBe(2);
    expect(card.output.join('\n')).toMatch(/Usage: npm run virtual-card -- --profile FILE/);
  });

  it('refuses a malformed profile with a message naming the field, and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtual-card-cli-'));
    try {
      const profile = writeProfile(dir, { pinTriesLeft: 7 });
      const card = spawnVirtualCard(VIRTUAL_CARD_CLI, ['--profile', profile, '--port', '1']);
      expect(await card.exited()).toBe(1);
      expect(card.output.join('\n')).toMatch(/Cannot use the card profile.*pinTriesLeft/);
      expect(card.output.some((line) => line.startsWith('Card inserted'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which file it cannot read when the profile does not exist', async () => {
    const card = spawnVirtualCard(VIRTUAL_CARD_CLI, ['--profile', '/nonexistent/card.json']);
    expect(await card.exited()).toBe(1);
    expect(card.output.join('\n')).toMatch(/\/nonexistent\/card\.json.*ENOENT/);
  });
});
