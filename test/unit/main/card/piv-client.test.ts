import { createHash, verify, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResponse, parseCommand } from '../../../../src/main/card/apdu';
import { hex } from '../../../../src/main/card/bytes';
import { performPivOperation, PivClient } from '../../../../src/main/card/piv-client';
import { encodeTlv } from '../../../../src/main/card/tlv';
import type { CardChannel } from '../../../../src/main/card/types';
import { err, ok } from '../../../../src/shared/result';
import { makeCard, recordingChannel } from './support';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

/** A client on a fresh virtual card, with the APDUs it sends recorded. */
function setup(overrides: Record<string, unknown> = {}) {
  const { card, profile, store } = makeCard(overrides);
  const { channel, sent } = recordingChannel(card);
  return { client: new PivClient(channel), card, profile, store, sent };
}

const message = Buffer.from('smartcard-unlock/v1/register/attempt-1/nonce-1');
const digest = createHash('sha256').update(message).digest();
const publicKeyOf = (b64: string) => new X509Certificate(Buffer.from(b64, 'base64')).publicKey;

describe('PivClient against the virtual card', () => {
  it('selects the PIV application', async () => {
    const { client, sent } = setup();
    expect(await client.select()).toEqual({ ok: true, value: undefined });
    expect(sent[0]).toMatchObject({
      cla: 0,
      ins: 0xa4,
      p1: 0x04,
      p2: 0x00,
      data: hex('A0000003080000100001 00'),
    });
  });

  it('reads the card identifier from the CHUID GUID as 32 lowercase hex digits', async () => {
    const { client } = setup();
    expect(await client.readCardId()).toEqual({
      ok: true,
      value: '0123456789abcdef0123456789abcdef',
    });
  });

  it('reads both certificates, collecting the 61 xx chunks', async () => {
    const { client, profile, sent } = setup();
    for (const slot of ['9A', '9E'] as const) {
      const cert = await client.readCertificate(slot);
      expect(cert).toEqual({
        ok: true,
        value: new Uint8Array(Buffer.from(profile.certificates[slot], 'base64')),
      });
    }
    expect(sent.some((apdu) => apdu.ins === 0xc0)).toBe(true);
  });

  it('reports the tries left without spending one', async () => {
    const { client, card } = setup({ pinTriesLeft: 2 });
    expect(await client.passcodeStatus()).toEqual({
      ok: true,
      value: { blocked: false, triesLeft: 2 },
    });
    expect(card.status.pinTriesLeft).toBe(2);
  });

  it('identifies the card: SELECT, the CHUID, then VERIFY with no data, spending no try', async () => {
    const { client, card, sent } = setup({ pinTriesLeft: 2 });
    expect(await client.identify()).toEqual({
      ok: true,
      value: { cardId: '0123456789abcdef0123456789abcdef', blocked: false, triesLeft: 2 },
    });
    expect(sent.map((apdu) => apdu.ins)).toEqual([0xa4, 0xcb, 0x20]);
    expect(sent[2]?.data).toEqual(new Uint8Array(0));
    expect(card.status.pinTriesLeft).toBe(2);
  });

  it('when the passcode is wrong, then it says how many tries are left, and never echoes the passcode', async () => {
    const { client } = setup();
    const result = await client.verifyPasscode('s3cret!');
    expect(result).toEqual({
      ok: false,
      error: { code: 'passcode-wrong', triesLeft: 2, statusWord: 0x63c2 },
    });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('when the last try is spent, then it says the card is now blocked', async () => {
    const { client } = setup({ pinTriesLeft: 1 });
    const result = await client.verifyPasscode('000000');
    expect(result.ok ? undefined : result.error).toMatchObject({
      code: 'passcode-blocked',
      triesLeft: 0,
    });
  });

  it('when the passcode is right, then it verifies and the status says verified', async () => {
    const { client, card } = setup();
    expect((await client.verifyPasscode('123456')).ok).toBe(true);
    expect(card.status.verified).toBe(true);
    expect(await client.passcodeStatus()).toEqual({
      ok: true,
      value: { blocked: false, triesLeft: 3 },
    });
  });

  it('never sends a passcode to a blocked card: only VERIFY without data reaches it', async () => {
    const { client, card, sent } = setup();
    card.lock();
    expect(await client.verifyPasscode('123456')).toMatchObject({
      ok: false,
      error: { code: 'passcode-blocked' },
    });
    expect(await client.changePasscode('123456', '654321')).toMatchObject({
      ok: false,
      error: { code: 'passcode-blocked' },
    });
    const withSecret = sent.filter(
      (apdu) => (apdu.ins === 0x20 || apdu.ins === 0x24) && apdu.data.length > 0,
    );
    expect(withSecret).toEqual([]);
    expect(sent.map((apdu) => apdu.ins)).toEqual([0x20, 0x20]);
  });

  it('when the card cannot say whether it is blocked, then the passcode is not sent either', async () => {
    const sent: Uint8Array[] = [];
    const channel: CardChannel = {
      atr: new Uint8Array(0),
      transmit: (bytes) => {
        sent.push(bytes);
        return Promise.resolve(ok(encodeResponse(new Uint8Array(0), 0x6f00)));
      },
      close: () => Promise.resolve(),
    };
    const result = await new PivClient(channel).verifyPasscode('123456');
    expect(result.ok ? '' : result.error.code).toBe('io');
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['empty', ''],
    ['nine characters', '123456789'],
    ['non-ASCII', 'pässwort'],
    ['a control character', '12\n456'],
  ])('refuses a passcode that is %s without sending anything', async (_what, passcode) => {
    const { client, sent } = setup();
    const result = await client.verifyPasscode(passcode);
    expect(result.ok ? '' : result.error.code).toBe('wrong-data');
    expect(sent).toEqual([]);
  });

  it('changes the passcode (00 24 00 80 with old||new padded to 8)', async () => {
    const { client, card, sent } = setup();
    expect((await client.changePasscode('123456', 'abc!')).ok).toBe(true);
    const change = sent.find((apdu) => apdu.ins === 0x24)!;
    expect(change.p2).toBe(0x80);
    expect(change.data).toEqual(
      new Uint8Array(Buffer.from('123456\xff\xffabc!\xff\xff\xff\xff', 'latin1')),
    );
    card.reset();
    expect((await client.verifyPasscode('abc!')).ok).toBe(true);
  });

  it('when one try is left and the caller keeps it, then the change is not sent (last-try)', async () => {
    const { client, card, sent } = setup({ pinTriesLeft: 1 });
    expect(await client.changePasscode('999999', 'abc!', false)).toEqual({
      ok: false,
      error: {
        code: 'last-try',
        triesLeft: 1,
        detail: 'not sent: one try left, not agreed to spend',
      },
    });
    expect(sent.filter((apdu) => apdu.data.length > 0)).toEqual([]);
    expect(card.status.pinTriesLeft).toBe(1);
    expect(await client.changePasscode('999999', 'abc!', true)).toMatchObject({
      ok: false,
      error: { code: 'passcode-blocked', triesLeft: 0 },
    });
  });

  it('when more than one try is left, then keeping the last try changes nothing about the change', async () => {
    const { client, card } = setup({ pinTriesLeft: 2 });
    expect(await client.changePasscode('999999', 'abc!', false)).toMatchObject({
      ok: false,
      error: { code: 'passcode-wrong', triesLeft: 1 },
    });
    expect(await client.changePasscode('123456', 'abc!', false)).toMatchObject({
      ok: false,
      error: { code: 'last-try' },
    });
    expect(card.status.pinTriesLeft).toBe(1);
  });

  it('changes the PUK (00 24 00 81), and a wrong current PUK is a puk-wrong with tries left', async () => {
    const { client, store } = setup();
    expect(await client.changePuk('00000000', '11112222')).toMatchObject({
      ok: false,
      error: { code: 'puk-wrong', triesLeft: 2 },
    });
    expect((await client.changePuk('12345678', '11112222')).ok).toBe(true);
    expect(store.saved?.puk).toBe('11112222');
  });

  it('resets a blocked passcode with the PUK (00 2C 00 80), after which the new passcode verifies', async () => {
    const { client, card, sent } = setup();
    card.lock();
    expect((await client.resetRetryCounter('12345678', '2468')).ok).toBe(true);
    const reset = sent.find((apdu) => apdu.ins === 0x2c)!;
    expect([reset.p1, reset.p2, reset.data.length]).toEqual([0x00, 0x80, 16]);
    expect(await client.passcodeStatus()).toEqual({
      ok: true,
      value: { blocked: false, triesLeft: 3 },
    });
    expect((await client.verifyPasscode('2468')).ok).toBe(true);
  });

  it('when the PUK is wrong three times, then the PUK is blocked', async () => {
    const { client, card } = setup();
    card.lock();
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const result = await client.resetRetryCounter('00000000', '2468');
      codes.push(result.ok ? 'ok' : `${result.error.code}:${result.error.triesLeft}`);
    }
    expect(codes).toEqual(['puk-wrong:2', 'puk-wrong:1', 'puk-blocked:0', 'puk-blocked:0']);
  });

  it('signs with 9E without a passcode; node crypto verifies the signature with the 9E certificate', async () => {
    const { client, profile } = setup();
    const signature = await client.sign('9E', digest);
    if (!signature.ok) throw new Error(signature.error.code);
    expect(
      verify('sha256', message, publicKeyOf(profile.certificates['9E']), signature.value),
    ).toBe(true);
  });

  it('signs with 9A only after VERIFY; before, it is a security-status error', async () => {
    const { client, profile } = setup();
    expect(await client.sign('9A', digest)).toMatchObject({
      ok: false,
      error: { code: 'security-status' },
    });
    await client.verifyPasscode('123456');
    const signature = await client.sign('9A', digest);
    if (!signature.ok) throw new Error(signature.error.code);
    expect(
      verify('sha256', message, publicKeyOf(profile.certificates['9A']), signature.value),
    ).toBe(true);
  });

  it('refuses a digest that is not 32 bytes without sending it', async () => {
    const { client, sent } = setup();
    expect(await client.sign('9E', new Uint8Array(20))).toMatchObject({
      ok: false,
      error: { code: 'wrong-data' },
    });
    expect(sent).toEqual([]);
  });
});

describe('PivClient: the unlock in one operation (unblock)', () => {
  const request = { puk: '12345678', unconfirmedPuk: null, nextPuk: '24681357', passcode: 'N3w!' };

  it('rotates the PUK, resets the passcode with the new PUK and verifies it, telling each step', async () => {
    const { client, card, store, sent } = setup();
    card.lock();
    const steps: string[] = [];
    expect(await client.unblock(request, (step) => steps.push(step))).toEqual({ done: 'verified' });
    expect(steps).toEqual(['puk-rotated', 'passcode-reset']);
    expect(sent.map((apdu) => [apdu.ins, apdu.p2, apdu.data.length])).toEqual([
      [0x24, 0x81, 16],
      [0x2c, 0x80, 16],
      [0x20, 0x80, 0],
      [0x20, 0x80, 8],
    ]);
    expect(store.saved).toMatchObject({ puk: '24681357', pin: 'N3w!', pinTriesLeft: 3 });
  });

  it('tries the unconfirmed PUK after the card refuses the first one', async () => {
    const { client, card, store } = setup({ puk: '55554444' });
    card.lock();
    expect(await client.unblock({ ...request, unconfirmedPuk: '55554444' })).toEqual({
      done: 'verified',
    });
    expect(store.saved).toMatchObject({ puk: '24681357', pukTriesLeft: 3 });
  });

  it('when the PUK is wrong and none is unconfirmed, then it stops there with the tries left', async () => {
    const { client, card, sent } = setup({ puk: '55554444' });
    card.lock();
    expect(await client.unblock(request)).toEqual({
      done: 'nothing',
      error: { code: 'puk-wrong', triesLeft: 2, statusWord: 0x63c2 },
    });
    expect(sent.map((apdu) => apdu.ins)).toEqual([0x24]);
  });

  it('when the card goes during the reset, then it says the PUK was rotated all the same', async () => {
    const pulled: CardChannel = {
      atr: new Uint8Array(0),
      transmit: (bytes) =>
        Promise.resolve(bytes[1] === 0x2c ? err({ code: 'card-removed' }) : ok(hex('9000'))),
      close: () => Promise.resolve(),
    };
    expect(await new PivClient(pulled).unblock(request)).toEqual({
      done: 'puk-rotated',
      error: { code: 'card-removed' },
    });
  });

  it('refuses a secret that cannot be sent before anything reaches the card', async () => {
    for (const bad of [
      { passcode: 'pässcode' },
      { nextPuk: '123456789' },
      { unconfirmedPuk: '' },
    ]) {
      const { client, sent } = setup();
      expect(await client.unblock({ ...request, ...bad })).toMatchObject({
        done: 'nothing',
        error: { code: 'wrong-data' },
      });
      expect(sent).toEqual([]);
    }
  });
});

describe('PivClient over a channel that runs operations where the card is', () => {
  function remote() {
    const { card } = makeCard();
    const here = new PivClient(recordingChannel(card).channel);
    const operations: unknown[] = [];
    let transmitted = 0;
    const channel: CardChannel = {
      atr: card.atr,
      transmit: () => {
        transmitted += 1;
        return Promise.resolve(err({ code: 'io' }));
      },
      close: () => Promise.resolve(),
      runPiv: (operation, options, onStep) => {
        operations.push({ operation, options });
        return performPivOperation(here, operation, onStep);
      },
    };
    return {
      client: new PivClient(channel, { passcodeTriesWhenVerified: 5 }),
      card,
      operations,
      transmitted: () => transmitted,
    };
  }

  it('sends each call there whole, with the client options, and no APDU through transmit', async () => {
    const { client, card, operations, transmitted } = remote();
    expect(await client.verifyPasscode('123456')).toEqual({ ok: true, value: undefined });
    card.lock();
    const steps: string[] = [];
    expect(
      await client.unblock(
        { puk: '12345678', unconfirmedPuk: null, nextPuk: '87654321', passcode: '2468' },
        (step) => steps.push(step),
      ),
    ).toEqual({ done: 'verified' });
    expect(steps).toEqual(['puk-rotated', 'passcode-reset']);
    expect(operations).toEqual([
      {
        operation: { op: 'verifyPasscode', passcode: '123456' },
        options: { passcodeTriesWhenVerified: 5 },
      },
      {
        operation: {
          op: 'unblock',
          puk: '12345678',
          unconfirmedPuk: null,
          nextPuk: '87654321',
          passcode: '2468',
        },
        options: { passcodeTriesWhenVerified: 5 },
      },
    ]);
    expect(transmitted()).toBe(0);
  });

  it('sends the card read there whole: one identify, which answers as the three calls would', async () => {
    const { client, operations, transmitted } = remote();
    expect(await client.identify()).toEqual({
      ok: true,
      value: { cardId: '0123456789abcdef0123456789abcdef', blocked: false, triesLeft: 3 },
    });
    expect(operations).toEqual([
      { operation: { op: 'identify' }, options: { passcodeTriesWhenVerified: 5 } },
    ]);
    expect(transmitted()).toBe(0);
  });

  it('sends a change of passcode there whole, with the choice about the last try', async () => {
    const { client, operations, transmitted } = remote();
    expect(await client.changePasscode('123456', 'abc!', false)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(operations).toEqual([
      {
        operation: { op: 'changePasscode', current: '123456', next: 'abc!', spendLastTry: false },
        options: { passcodeTriesWhenVerified: 5 },
      },
    ]);
    expect(transmitted()).toBe(0);
  });

  it('refuses what cannot be sent here, before the operation leaves', async () => {
    const { client, operations } = remote();
    expect(await client.verifyPasscode('far too long')).toMatchObject({
      ok: false,
      error: { code: 'wrong-data' },
    });
    expect(await client.sign('9E', new Uint8Array(20))).toMatchObject({
      ok: false,
      error: { code: 'wrong-data' },
    });
    expect(operations).toEqual([]);
  });
});

/** A channel that answers every command with one canned response. */
function cannedChannel(...responses: Uint8Array[]): CardChannel {
  let i = 0;
  return {
    atr: new Uint8Array(0),
    transmit: (bytes) => {
      expect(parseCommand(bytes).ok).toBe(true);
      return Promise.resolve(ok(responses[Math.min(i++, responses.length - 1)]!));
    },
    close: () => Promise.resolve(),
  };
}

describe('PivClient against cards that misbehave', () => {
  it('when the card has no PIV application, then select says not-piv', async () => {
    const client = new PivClient(cannedChannel(encodeResponse(new Uint8Array(0), 0x6a82)));
    expect(await client.select()).toMatchObject({
      ok: false,
      error: { code: 'not-piv', statusWord: 0x6a82 },
    });
  });

  it('when the card has no PIV application, then identify says not-piv and sends nothing after the SELECT', async () => {
    let sent = 0;
    const channel = cannedChannel(encodeResponse(new Uint8Array(0), 0x6a82));
    const client = new PivClient({
      ...channel,
      transmit: (bytes) => {
        sent += 1;
        return channel.transmit(bytes);
      },
    });
    expect(await client.identify()).toMatchObject({ ok: false, error: { code: 'not-piv' } });
    expect(sent).toBe(1);
  });

  it('when a certificate is stored compressed (71 01), then it is unsupported', async () => {
    const object = encodeTlv(0x53, encodeTlv(0x70, hex('1f8b0800')), encodeTlv(0x71, hex('01')));
    const client = new PivClient(cannedChannel(encodeResponse(object, 0x9000)));
    expect(await client.readCertificate('9A')).toMatchObject({
      ok: false,
      error: { code: 'unsupported' },
    });
  });

  it('when a certificate object is absent, then it is not-found', async () => {
    const client = new PivClient(cannedChannel(encodeResponse(new Uint8Array(0), 0x6a82)));
    expect(await client.readCertificate('9E')).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('when the CHUID is garbage, then readCardId is malformed rather than an exception', async () => {
    const client = new PivClient(cannedChannel(encodeResponse(hex('53053402aa'), 0x9000)));
    expect(await client.readCardId()).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('when the CHUID has no GUID, then readCardId is malformed', async () => {
    const chuid = encodeTlv(0x53, encodeTlv(0x30, new Uint8Array(25)));
    const client = new PivClient(cannedChannel(encodeResponse(chuid, 0x9000)));
    expect(await client.readCardId()).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('when the card is pulled, then the channel error comes back as card-removed', async () => {
    const channel: CardChannel = {
      atr: new Uint8Array(0),
      transmit: () => Promise.resolve(err({ code: 'card-removed' })),
      close: () => Promise.resolve(),
    };
    expect(await new PivClient(channel).passcodeStatus()).toEqual({
      ok: false,
      error: { code: 'card-removed' },
    });
  });

  it('when GENERAL AUTHENTICATE answers without a signature, then sign is malformed', async () => {
    const answer = encodeTlv(0x7c, encodeTlv(0x82));
    const client = new PivClient(cannedChannel(encodeResponse(answer, 0x9000)));
    expect(await client.sign('9E', new Uint8Array(32))).toMatchObject({
      ok: false,
      error: { code: 'malformed' },
    });
  });
});

describe('PivClient against arbitrary answers', PROPERTY_TESTS, () => {
  it('never rejects or throws: every operation resolves to a result, whatever bytes the card returns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 80 }),
            fc
              .tuple(
                fc.uint8Array({ maxLength: 80 }),
                fc.constantFrom(0x9000, 0x6100, 0x6105, 0x6c02, 0x63c1, 0x6983),
              )
              .map(([data, sw]) => encodeResponse(data, sw)),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        fc.constantFrom(
          (c: PivClient) => c.select(),
          (c: PivClient) => c.readCardId(),
          (c: PivClient) => c.readCertificate('9A'),
          (c: PivClient) => c.passcodeStatus(),
          (c: PivClient) => c.verifyPasscode('1234'),
          (c: PivClient) => c.resetRetryCounter('12345678', '1234'),
          (c: PivClient) => c.sign('9E', new Uint8Array(32)),
        ),
        async (answers, operation) => {
          const result = await operation(new PivClient(cannedChannel(...answers)));
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 200 },
    );
  });
});
