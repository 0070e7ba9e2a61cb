import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PivClient } from '../../../src/main/card/piv-client';
import { INS } from '../../../src/main/card/piv';
import { selectReader } from '../../../src/main/card/reader-selection';
import { DEFAULT_TEST_PROFILE, readProfile, writeProfile } from '../../support/card-profile';
import {
  PIV_PULL_CARD_ENTRY,
  startCardStack,
  VIRTUAL_CARD_CLI,
  type CardStack,
} from '../../support/card-stack';
import { pcscSkipReason } from '../../support/pcscd';
import { inserted, removed } from '../../support/reader-events';
import { CARD_LINES, type VirtualCardProcess } from '../../support/virtual-card-process';

const skip = pcscSkipReason();

/**
 * The pulled card, two readers and a pcscd restart, as the PIV client on the real PC/SC backend
 * meets them (pcsc-backend.test.ts covers the same events on the backend alone).
 */
describe.skipIf(skip !== undefined)(
  'the PIV client when the card is pulled, two cards are in, or pcscd restarts',
  () => {
    let stack: CardStack;
    let dir: string;

    const reader = (i: 0 | 1): string => stack.pcscd.readerNames[i];

    /** A fresh card profile of its own (the card writes its keys and state back into it). */
    const profileFor = (name: string, guid: string): string => {
      const folder = join(dir, name);
      mkdirSync(folder);
      return writeProfile(folder, { guid, holderName: `Holder ${name}` });
    };

    /** Starts a card process in reader `i` and waits until pcscd reports it. */
    const insert = async (
      i: 0 | 1,
      profile: string,
      entry = VIRTUAL_CARD_CLI,
      env: Readonly<Record<string, string>> = {},
    ): Promise<VirtualCardProcess> => {
      const since = stack.events.mark();
      const card = stack.spawnCard(
        entry,
        ['--profile', profile, '--port', String(stack.pcscd.ports[i])],
        env,
      );
      await card.waitForLine(CARD_LINES.inserted);
      await stack.events.waitFor(inserted(reader(i)), since);
      return card;
    };

    /** Removes a card process and waits until pcscd reports the reader empty. */
    const takeOut = async (i: 0 | 1, card: VirtualCardProcess): Promise<void> => {
      const since = stack.events.mark();
      await card.stop();
      await stack.events.waitFor(removed(reader(i)), since);
    };

    const piv = (i: 0 | 1): Promise<PivClient> => stack.pivClient(reader(i));

    const signAndCheck = async (client: PivClient, slot: '9A' | '9E'): Promise<boolean> => {
      const challenge = randomBytes(32);
      const signature = await client.sign(slot, createHash('sha256').update(challenge).digest());
      if (!signature.ok) throw new Error(`sign ${slot}: ${JSON.stringify(signature.error)}`);
      const der = await client.readCertificate(slot);
      if (!der.ok) throw new Error(`certificate ${slot}: ${JSON.stringify(der.error)}`);
      return verify('sha256', challenge, new X509Certificate(der.value).publicKey, signature.value);
    };

    beforeAll(async () => {
      stack = await startCardStack();
      dir = mkdtempSync(join(tmpdir(), 'piv-disruptions-'));
    });

    afterAll(async () => {
      await stack?.dispose();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('when the card is pulled in the middle of a signature, then the client says card-removed, and the card put back has spent nothing and signs again after its passcode', async () => {
      const profile = profileFor('pulled', 'aa'.repeat(16));
      const pulling = await insert(0, profile, PIV_PULL_CARD_ENTRY, {
        PULL_ON_INS: INS.GENERAL_AUTHENTICATE.toString(16),
      });
      const client = await piv(0);
      expect(await client.verifyPasscode(DEFAULT_TEST_PROFILE.pin)).toEqual({
        ok: true,
        value: undefined,
      });
      const since = stack.events.mark();
      const digest = createHash('sha256').update(randomBytes(32)).digest();
      expect(await client.sign('9A', digest)).toMatchObject({
        ok: false,
        error: { code: 'card-removed' },
      });
      await pulling.waitForLine(CARD_LINES.pulled);
      await stack.events.waitFor(removed(reader(0)), since);
      // Every later command on that connection says the same; none reaches another card.
      expect(await client.passcodeStatus()).toMatchObject({
        ok: false,
        error: { code: 'card-removed' },
      });
      expect(await stack.backend.connect(reader(0))).toMatchObject({
        ok: false,
        error: { code: 'card-absent' },
      });

      const card = await insert(0, profile);
      const again = await piv(0);
      expect(await again.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 3 },
      });
      // A card that lost power forgets the passcode it had checked: 9A wants it again.
      expect(await again.sign('9A', digest)).toMatchObject({
        ok: false,
        error: { code: 'security-status' },
      });
      expect(await again.verifyPasscode(DEFAULT_TEST_PROFILE.pin)).toEqual({
        ok: true,
        value: undefined,
      });
      expect(await signAndCheck(again, '9A')).toBe(true);
      expect(readProfile(profile).pinTriesLeft).toBe(3);
      await takeOut(0, card);
    });

    it('when two readers each hold a PIV card, then the client asks which, and each reader gives its own card', async () => {
      const first = profileFor('first', '11'.repeat(16));
      const second = profileFor('second', '22'.repeat(16));
      const firstCard = await insert(0, first);
      const secondCard = await insert(1, second);
      const listed = await stack.backend.listReaders();
      if (!listed.ok) throw new Error(JSON.stringify(listed.error));
      expect(selectReader(listed.value)).toEqual({
        ok: false,
        error: { code: 'reader-choice-needed', candidates: [reader(0), reader(1)] },
      });
      const chosen = selectReader(listed.value, reader(1));
      expect(chosen).toMatchObject({ ok: true, value: { name: reader(1) } });

      const [one, two] = [await piv(0), await piv(1)];
      expect(await two.readCardId()).toEqual({ ok: true, value: '22'.repeat(16) });
      expect(await one.readCardId()).toEqual({ ok: true, value: '11'.repeat(16) });
      // A wrong passcode on one card costs that card a try, not the other.
      expect(await one.verifyPasscode('000000')).toMatchObject({
        ok: false,
        error: { code: 'passcode-wrong', triesLeft: 2 },
      });
      expect(await two.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 3 },
      });
      expect(await signAndCheck(two, '9E')).toBe(true);

      await takeOut(0, firstCard);
      const left = await stack.backend.listReaders();
      if (!left.ok) throw new Error(JSON.stringify(left.error));
      expect(selectReader(left.value)).toMatchObject({ ok: true, value: { name: reader(1) } });
      await takeOut(1, secondCard);
    });

    it('when pcscd stops and starts again, then the client says service-down meanwhile, and afterwards the same card answers with its tries as they were', async () => {
      const profile = profileFor('restart', '33'.repeat(16));
      const card = await insert(0, profile);
      const client = await piv(0);
      expect(await client.verifyPasscode('000000')).toMatchObject({
        ok: false,
        error: { code: 'passcode-wrong', triesLeft: 2 },
      });

      const beforeStop = stack.events.mark();
      const cardMark = card.mark();
      await stack.pcscd.stop();
      await stack.events.waitFor((e) => e.kind === 'service-down', beforeStop);
      expect(await client.passcodeStatus()).toMatchObject({
        ok: false,
        error: { code: 'service-down' },
      });
      expect(await stack.backend.connect(reader(0))).toMatchObject({
        ok: false,
        error: { code: 'service-down' },
      });
      await card.waitForLine(CARD_LINES.lost, cardMark);

      const beforeStart = stack.events.mark();
      await stack.pcscd.start();
      await stack.events.waitFor((e) => e.kind === 'service-up', beforeStart);
      await stack.events.waitFor(inserted(reader(0)), beforeStart);
      const after = await piv(0);
      expect(await after.readCardId()).toEqual({ ok: true, value: '33'.repeat(16) });
      expect(await after.passcodeStatus()).toEqual({
        ok: true,
        value: { blocked: false, triesLeft: 2 },
      });
      expect(await signAndCheck(after, '9E')).toBe(true);
    });
  },
);
