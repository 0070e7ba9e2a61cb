import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_PROFILE, readProfile, writeProfile } from '../../support/card-profile';
import { startCardStack, VIRTUAL_CARD_CLI, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted } from '../../support/reader-events';

const openscMissing = ['opensc-tool', 'pkcs15-tool', 'piv-tool'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
);
const skip = pcscSkipReason(
  openscMissing.length > 0
    ? `missing ${openscMissing.join(', ')} (Debian package opensc)`
    : undefined,
);

interface ToolRun {
  readonly code: number | null;
  readonly output: string;
}

describe.skipIf(skip !== undefined)('interoperability with OpenSC, standard PIV middleware', () => {
  let stack: CardStack;
  let dir: string;
  let profile: string;

  /** Runs an OpenSC tool against the test's pcscd, asynchronously (the card answers from its own process). */
  const tool = (command: string, args: readonly string[]): Promise<ToolRun> =>
    new Promise((resolve) => {
      const child = spawn(command, ['--reader', '0', ...args], {
        env: { ...process.env, ...stack.pcscd.env },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => resolve({ code, output }));
    });

  beforeAll(async () => {
    stack = await startCardStack();
    dir = mkdtempSync(join(tmpdir(), 'opensc-interop-'));
    profile = writeProfile(dir);
    const since = stack.events.mark();
    stack.spawnCard(VIRTUAL_CARD_CLI, [
      '--profile',
      profile,
      '--port',
      String(stack.pcscd.ports[0]),
    ]);
    await stack.events.waitFor(inserted(stack.pcscd.readerNames[0]), since);
  });

  afterAll(async () => {
    await stack?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('recognises the virtual card as a PIV card (opensc-tool and piv-tool)', async () => {
    const named = await tool('opensc-tool', ['--name']);
    expect(named).toMatchObject({ code: 0 });
    expect(named.output).toContain('Personal Identity Verification Card');
    const piv = await tool('piv-tool', ['--name']);
    expect(piv.output).toContain('Personal Identity Verification Card');
  });

  it('lists the PIV Authentication and Card Authentication certificates (pkcs15-tool)', async () => {
    const listed = await tool('pkcs15-tool', ['--list-certificates']);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.output).toContain('Certificate for PIV Authentication');
    expect(listed.output).toContain('Certificate for Card Authentication');
  });

  it('refuses a wrong passcode and spends a try, accepts the right one and restores the tries', async () => {
    const wrong = await tool('pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', '999999']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/PIN code or key incorrect/);
    expect(readProfile(profile).pinTriesLeft).toBe(2);

    const right = await tool('pkcs15-tool', [
      '--verify-pin',
      '--auth-id',
      '01',
      '--pin',
      DEFAULT_TEST_PROFILE.pin,
    ]);
    expect(right).toMatchObject({ code: 0 });
    expect(readProfile(profile).pinTriesLeft).toBe(3);
  });

  it('blocks after three wrong passcodes, answers 69 83 to VERIFY, and unblocks with the PUK', async () => {
    for (let i = 0; i < 3; i += 1) {
      await tool('pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', '999999']);
    }
    const blocked = await tool('pkcs15-tool', [
      '--verify-pin',
      '--auth-id',
      '01',
      '--pin',
      DEFAULT_TEST_PROFILE.pin,
    ]);
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toMatch(/blocked/i);
    const status = await tool('opensc-tool', [
      '--send-apdu',
      '00:A4:04:00:0B:A0:00:00:03:08:00:00:10:00:01:00',
      '--send-apdu',
      '00:20:00:80',
    ]);
    expect(status.output).toMatch(/SW1=0x69, SW2=0x83/);

    const unblocked = await tool('pkcs15-tool', [
      '--unblock-pin',
      '--auth-id',
      '01',
      '--puk',
      DEFAULT_TEST_PROFILE.puk,
      '--new-pin',
      '246810',
    ]);
    expect(unblocked).toMatchObject({ code: 0 });
    expect(
      await tool('pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', '246810']),
    ).toMatchObject({
      code: 0,
    });
  });
});
