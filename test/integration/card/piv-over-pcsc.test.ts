import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PivClient } from '../../../src/main/card/piv-client';
import { DEFAULT_TEST_PROFILE, readProfile, writeProfile } from '../../support/card-profile';
import { startCardStack, VIRTUAL_CARD_CLI, type CardStack } from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';
import { CARD_LINES, type VirtualCardProcess } from '../../support/virtual-card-process';

const skip = pcscSkipReason();

describe.skipIf(skip !== undefined)(
  'the PIV client over PC/SC, with the virtual card in vpcd',
  () => {
    let stack: CardStack;
    let dir: string;
    let profile: string;
    let card: VirtualCardProcess;

    const reader = (): string => stack.pcscd.readerNames[0];

    const insertCard = async (): Promise<VirtualCardProcess> => {
      const since = stack.events.mark();
      const process = stack.spawnCard(VIRTUAL_CARD_CLI, [
        '--profile',
        profile,
        '--port',
        String(stack.pcscd.ports[0]),
      ]);
      await process.waitForLine(CARD_LINES.inserted);
      await stack.events.waitFor(inserted(reader()), since);
      return process;
    };

    const piv = (): Promise<PivClient> => stack.pivClient(reader());

    const certificate = async (client: PivClient, slot: '9A' | '9E'): Promise<X509Certificate> => {
      const der = await client.readCertificate(slot);
      if (!der.ok) throw new Error(`certificate ${slot}: ${JSON.stringify(der.error)}`);
      return new X509Certificate(der.value);
    };

    beforeAll(async () => {
      stack = await startCardStack();
      dir = mkdtempSync(join(tmpdir(), 'piv-over-pcsc-'));
      profile = writeProfile(dir);
      card = await insertCard();
    });

    afterAll(async () => {
      await stack?.dispose();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('reads the GUID and both certificates, which are the ones the card wrote into its profile', async () => {
      const client = await piv();
      expect(await client.readCardId()).toEqual({ ok: true, value: DEFAULT_TEST_PROFILE.guid });
      const written = readProfile(profile).certificates!;
      for (const slot of ['9A', '9E'] as const) {
        const cert = await certificate(client, slot);
        expect(cert.raw.toString('base64')).toBe(written[slot]);
        expect(cert.subject).toContain(DEFAULT_TEST_PROFILE.holderName);
      }
    });

    it('signs a challenge with 9E without a passcode, and node crypto verifies it with the 9E certificate', async () => {
      const client = await piv();
      const challenge = randomBytes(32);
      const digest = createHash('sha256').update(challenge).digest();
      const signature = await client.sign('9E', digest);
      if (!signature.ok) throw new Error(JSON.stringify(signature.error));
      const key = (await certificate(client, '9E')).publicKey;
      expect(verify('sha256', challenge, key, signature.value)).toBe(true);
      expect(verify('sha256', randomBytes(32), key, signature.value)).toBe(false);
    });

    it('counts wrong passcodes down to a lock, refuses the right one once locked, and unlocks with the PUK', async () => {
      const client = await piv();
      expect(await client.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 3 },
      });
      expect(await client.verifyPasscode('000000')).toMatchObject({
        ok: false,
        error: { code: 'passcode-wrong', triesLeft: 2 },
      });
      expect(await client.verifyPasscode('000000')).toMatchObject({
        ok: false,
        error: { code: 'passcode-wrong', triesLeft: 1 },
      });
      expect(await client.verifyPasscode('000000')).toMatchObject({
        ok: false,
        error: { code: 'passcode-blocked', triesLeft: 0 },
      });
      expect(await client.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: true, triesLeft: 0 },
      });
      expect(await client.verifyPasscode(DEFAULT_TEST_PROFILE.pin)).toMatchObject({
        ok: false,
        error: { code: 'passcode-blocked' },
      });
      expect(readProfile(profile).pinTriesLeft).toBe(0);

      expect(await client.resetRetryCounter(DEFAULT_TEST_PROFILE.puk, '654321')).toEqual({
        ok: true,
        value: undefined,
      });
      expect(await client.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 3 },
      });
      expect(await client.verifyPasscode('654321')).toEqual({ ok: true, value: undefined });

      const challenge = randomBytes(48);
      const signature = await client.sign('9A', createHash('sha256').update(challenge).digest());
      if (!signature.ok) throw new Error(JSON.stringify(signature.error));
      expect(
        verify('sha256', challenge, (await certificate(client, '9A')).publicKey, signature.value),
      ).toBe(true);
      expect(readProfile(profile)).toMatchObject({ pin: '654321', pinTriesLeft: 3 });
    });

    it('keeps spent tries across card processes, as a chip does', async () => {
      const client = await piv();
      expect(await client.verifyPasscode('111111')).toMatchObject({
        ok: false,
        error: { code: 'passcode-wrong', triesLeft: 2 },
      });
      const since = stack.events.mark();
      expect(await card.stop()).toBe(0);
      expect(card.output.some((line) => CARD_LINES.removed.test(line))).toBe(true);
      await stack.events.waitFor(removed(reader()), since);

      card = await insertCard();
      const again = await piv();
      expect(await again.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 2 },
      });
      expect(await again.verifyPasscode('654321')).toEqual({ ok: true, value: undefined });
    });
  },
);
