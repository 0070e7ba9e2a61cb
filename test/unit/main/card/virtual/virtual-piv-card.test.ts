import { createHash, verify, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chainCommand,
  command,
  encodeCommand,
  parseResponse,
} from '../../../../../src/main/card/apdu';
import { concatBytes, hex, toHex } from '../../../../../src/main/card/bytes';
import { decodeSingle, decodeTlvTree, encodeTlv, findTlv } from '../../../../../src/main/card/tlv';
import {
  VIRTUAL_CARD_ATR,
  VirtualPivCard,
} from '../../../../../src/main/card/virtual/virtual-piv-card';
import type { CardStore } from '../../../../../src/main/card/virtual/card-store';
import { makeCard, makeProfile, pad, send, verifyApdu } from '../support';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

const getData = (tag: string, le = 256) =>
  command(
    0x00,
    0xcb,
    0x3f,
    0xff,
    concatBytes(hex('5c'), Uint8Array.of(hex(tag).length), hex(tag)),
    le,
  );
const signApdu = (slot: number, digest: Uint8Array) =>
  command(0x00, 0x87, 0x11, slot, encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, digest)), 256);
const pairApdu = (ins: number, p2: number, a: string, b: string) =>
  command(0x00, ins, 0x00, p2, concatBytes(pad(a), pad(b)));

/** Reads a data object to its end, following 61 xx with GET RESPONSE. */
function readObject(
  card: VirtualPivCard,
  tag: string,
): { data: Uint8Array; sw: number; rounds: number } {
  let { data, sw } = send(card, getData(tag));
  let rounds = 0;
  while (sw >> 8 === 0x61) {
    const next = send(card, command(0x00, 0xc0, 0x00, 0x00, undefined, sw & 0xff || 256));
    data = concatBytes(data, next.data);
    sw = next.sw;
    rounds++;
  }
  return { data, sw, rounds };
}

describe('virtual PIV card: ATR and SELECT', () => {
  it('has a T=1 ATR whose check byte is right and which OpenSC does not take for contactless', () => {
    expect(VIRTUAL_CARD_ATR[0]).toBe(0x3b);
    expect(VIRTUAL_CARD_ATR.subarray(1).reduce((x, b) => x ^ b, 0)).toBe(0);
    expect([VIRTUAL_CARD_ATR[2], VIRTUAL_CARD_ATR[3]]).not.toEqual([0x80, 0x01]);
  });

  it('when the PIV AID is selected, then it answers the Application Property Template', () => {
    const { card } = makeCard();
    const { data, sw } = send(
      card,
      command(0, 0xa4, 0x04, 0x00, hex('A0000003080000100001 00'), 256),
    );
    expect(sw).toBe(0x9000);
    const apt = decodeSingle(data, 0x61);
    expect(apt.ok).toBe(true);
    if (!apt.ok) return;
    expect(findTlv(apt.value, 0x4f)).toEqual({ ok: true, value: hex('000010000100') });
    const authority = findTlv(apt.value, 0x79);
    expect(authority.ok && authority.value && toHex(authority.value)).toBe('4f05a000000308');
    const algorithms = findTlv(apt.value, 0xac);
    expect(algorithms.ok && algorithms.value && toHex(algorithms.value)).toBe('800111060100');
  });

  it('when a right-truncated PIV AID is selected, as OpenSC does, then it is selected', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xa4, 0x04, 0x00, hex('A00000030800001000'), 256)).sw).toBe(
      0x9000,
    );
  });

  it('when SELECT asks for no answer data (P2 0C), then it selects without the template', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xa4, 0x04, 0x0c, hex('A000000308'))).sw).toBe(0x9000);
    expect(send(card, command(0, 0xa4, 0x04, 0x0c, hex('A000000308'))).data).toHaveLength(0);
  });

  it('when another application is selected, then it answers 6A 82', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xa4, 0x04, 0x00, hex('A000000151000000'), 256)).sw).toBe(0x6a82);
  });
});

describe('virtual PIV card: data objects', () => {
  it('serves the discovery object with the PIV AID and a passcode-only PIN policy', () => {
    const { card } = makeCard();
    const { data, sw } = send(card, getData('7e'));
    expect(sw).toBe(0x9000);
    expect(toHex(data)).toBe('7e124f0ba0000003080000100001005f2f024000');
  });

  it('serves the CHUID with FASC-N, the profile GUID, an expiry and an empty signature', () => {
    const { card } = makeCard();
    const { data, sw } = send(card, getData('5fc102'));
    expect(sw).toBe(0x9000);
    expect(decodeTlvTree(data).ok).toBe(true);
    const inner = decodeSingle(data, 0x53);
    if (!inner.ok) throw new Error('no 53');
    const fascN = findTlv(inner.value, 0x30);
    expect(fascN.ok && fascN.value?.length).toBe(25);
    expect(findTlv(inner.value, 0x34)).toEqual({
      ok: true,
      value: hex('0123456789abcdef0123456789abcdef'),
    });
    expect(findTlv(inner.value, 0x35)).toEqual({
      ok: true,
      value: new Uint8Array(Buffer.from('20991231')),
    });
    expect(findTlv(inner.value, 0x3e)).toEqual({ ok: true, value: new Uint8Array(0) });
  });

  it('serves each certificate wrapped in 53 { 70 cert, 71 00, FE }, in 61 xx chunks when longer than 256 bytes', () => {
    const { card, profile } = makeCard();
    for (const [tag, slot] of [
      ['5fc105', '9A'],
      ['5fc101', '9E'],
    ] as const) {
      const { data, sw, rounds } = readObject(card, tag);
      expect(sw).toBe(0x9000);
      expect(rounds).toBeGreaterThan(0);
      const expected = Buffer.from(profile.certificates[slot], 'base64');
      const inner = decodeSingle(data, 0x53);
      if (!inner.ok) throw new Error('no 53');
      expect(findTlv(inner.value, 0x70)).toEqual({ ok: true, value: new Uint8Array(expected) });
      expect(findTlv(inner.value, 0x71)).toEqual({ ok: true, value: hex('00') });
      expect(new X509Certificate(expected).subject).toBe('CN=Mr John Rigby');
    }
  });

  it('when Le is smaller than the object, then chunks follow that Le', () => {
    const { card } = makeCard();
    const first = send(card, getData('5fc102', 16));
    expect(first.data).toHaveLength(16);
    expect(first.sw >> 8).toBe(0x61);
  });

  it.each(['5fc10c', '5fc107', '5fc109', '5fc103', '5fc10a'])(
    'answers 6A 82 for object %s, which it does not hold',
    (tag) => {
      const { card } = makeCard();
      expect(send(card, getData(tag)).sw).toBe(0x6a82);
    },
  );

  it('when GET DATA carries no tag list, then it answers 6A 80', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xcb, 0x3f, 0xff, hex('0102'), 256)).sw).toBe(0x6a80);
  });

  it('when GET RESPONSE comes with nothing pending, then it answers 69 85', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xc0, 0, 0, undefined, 256)).sw).toBe(0x6985);
  });
});

describe('virtual PIV card: passcode and PUK', () => {
  it('reports the tries left without spending one, counts down on wrong passcodes, then answers 69 83', () => {
    const { card } = makeCard();
    expect(send(card, verifyApdu()).sw).toBe(0x63c3);
    expect(send(card, verifyApdu()).sw).toBe(0x63c3);
    expect(send(card, verifyApdu('000000')).sw).toBe(0x63c2);
    expect(send(card, verifyApdu('000000')).sw).toBe(0x63c1);
    expect(send(card, verifyApdu('000000')).sw).toBe(0x63c0);
    expect(send(card, verifyApdu('123456')).sw).toBe(0x6983);
    expect(send(card, verifyApdu()).sw).toBe(0x6983);
    expect(card.status.pinTriesLeft).toBe(0);
  });

  it('when the right passcode is given, then the counter goes back to its maximum and VERIFY without data says 90 00', () => {
    const { card } = makeCard();
    send(card, verifyApdu('000000'));
    expect(send(card, verifyApdu('123456')).sw).toBe(0x9000);
    expect(card.status).toEqual({ pinTriesLeft: 3, pukTriesLeft: 3, verified: true });
    expect(send(card, verifyApdu()).sw).toBe(0x9000);
  });

  it('when VERIFY has P1 FF, then the session is no longer verified', () => {
    const { card } = makeCard();
    send(card, verifyApdu('123456'));
    expect(send(card, command(0, 0x20, 0xff, 0x80)).sw).toBe(0x9000);
    expect(send(card, verifyApdu()).sw).toBe(0x63c3);
  });

  it('when VERIFY data is not 8 bytes, then it answers 6A 80 and spends no try', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0x20, 0, 0x80, hex('313233'))).sw).toBe(0x6a80);
    expect(card.status.pinTriesLeft).toBe(3);
  });

  it('when the PUK is right, then RESET RETRY COUNTER unblocks the card with the new passcode', () => {
    const { card } = makeCard();
    card.lock();
    expect(send(card, verifyApdu()).sw).toBe(0x6983);
    expect(send(card, pairApdu(0x2c, 0x80, '12345678', 'new-pass')).sw).toBe(0x9000);
    expect(send(card, verifyApdu()).sw).toBe(0x63c3);
    expect(send(card, verifyApdu('123456')).sw).toBe(0x63c2);
    expect(send(card, verifyApdu('new-pass')).sw).toBe(0x9000);
  });

  it('counts down wrong PUKs and blocks the PUK after its tries, even against the right PUK', () => {
    const { card } = makeCard();
    card.lock();
    expect(send(card, pairApdu(0x2c, 0x80, '00000000', 'abcdef')).sw).toBe(0x63c2);
    expect(send(card, pairApdu(0x2c, 0x80, '00000000', 'abcdef')).sw).toBe(0x63c1);
    expect(send(card, pairApdu(0x2c, 0x80, '00000000', 'abcdef')).sw).toBe(0x63c0);
    expect(send(card, pairApdu(0x2c, 0x80, '12345678', 'abcdef')).sw).toBe(0x6983);
    expect(card.status).toMatchObject({ pinTriesLeft: 0, pukTriesLeft: 0 });
  });

  it('when a wrong PUK is followed by the right one, then the PUK counter is reset too', () => {
    const { card } = makeCard();
    send(card, pairApdu(0x2c, 0x80, '00000000', 'abcdef'));
    expect(send(card, pairApdu(0x2c, 0x80, '12345678', 'abcdef')).sw).toBe(0x9000);
    expect(card.status.pukTriesLeft).toBe(3);
  });

  it('when the new passcode is not a valid padded value, then it answers 6A 80 and spends no PUK try', () => {
    const { card } = makeCard();
    const data = concatBytes(pad('12345678'), new Uint8Array(8).fill(0xff));
    expect(send(card, command(0, 0x2c, 0, 0x80, data)).sw).toBe(0x6a80);
    expect(card.status.pukTriesLeft).toBe(3);
  });

  it('changes the passcode with CHANGE REFERENCE DATA 80, which leaves the session verified', () => {
    const { card } = makeCard();
    expect(send(card, pairApdu(0x24, 0x80, '123456', '654321')).sw).toBe(0x9000);
    expect(card.status.verified).toBe(true);
    card.reset();
    expect(send(card, verifyApdu('654321')).sw).toBe(0x9000);
  });

  it('counts a wrong current passcode in CHANGE REFERENCE DATA as a wrong try', () => {
    const { card } = makeCard();
    expect(send(card, pairApdu(0x24, 0x80, '999999', '654321')).sw).toBe(0x63c2);
  });

  it('when the last try of a passcode change is wrong, then it answers 63 C0 and the card is blocked (69 83), even for the right passcode', () => {
    const { card } = makeCard({ pinTriesLeft: 1 });
    expect(send(card, verifyApdu()).sw).toBe(0x63c1);
    expect(send(card, pairApdu(0x24, 0x80, '999999', '654321')).sw).toBe(0x63c0);
    expect(send(card, pairApdu(0x24, 0x80, '123456', '654321')).sw).toBe(0x6983);
    expect(card.status.pinTriesLeft).toBe(0);
  });

  it('when the new passcode of a change is not a valid padded value, then 6A 80 and no try is spent', () => {
    const { card } = makeCard();
    const data = concatBytes(pad('123456'), new Uint8Array(8).fill(0xff));
    expect(send(card, command(0, 0x24, 0, 0x80, data)).sw).toBe(0x6a80);
    const accented = concatBytes(
      pad('999999'),
      Uint8Array.of(0x70, 0xe4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    );
    expect(send(card, command(0, 0x24, 0, 0x80, accented)).sw).toBe(0x6a80);
    expect(card.status.pinTriesLeft).toBe(3);
  });

  it('when a passcode change succeeds after a wrong try, then the tries are reset', () => {
    const { card } = makeCard();
    expect(send(card, pairApdu(0x24, 0x80, '999999', '654321')).sw).toBe(0x63c2);
    expect(send(card, pairApdu(0x24, 0x80, '123456', '654321')).sw).toBe(0x9000);
    expect(card.status.pinTriesLeft).toBe(3);
  });

  it('changes the PUK with CHANGE REFERENCE DATA 81, and counts wrong PUKs there too', () => {
    const { card } = makeCard();
    expect(send(card, pairApdu(0x24, 0x81, '00000000', '87654321')).sw).toBe(0x63c2);
    expect(send(card, pairApdu(0x24, 0x81, '12345678', '87654321')).sw).toBe(0x9000);
    card.lock();
    expect(send(card, pairApdu(0x2c, 0x80, '12345678', 'abcdef')).sw).toBe(0x63c2);
    expect(send(card, pairApdu(0x2c, 0x80, '87654321', 'abcdef')).sw).toBe(0x9000);
  });
});

describe('virtual PIV card: GENERAL AUTHENTICATE', PROPERTY_TESTS, () => {
  const message = Buffer.from('smartcard-unlock/v1/unlock/attempt/nonce');
  const digest = createHash('sha256').update(message).digest();
  const certKey = (b64: string) => new X509Certificate(Buffer.from(b64, 'base64')).publicKey;

  it('signs with 9E without a passcode, and node crypto verifies the signature with the 9E certificate', () => {
    const { card, profile } = makeCard();
    const { data, sw } = send(card, signApdu(0x9e, digest));
    expect(sw).toBe(0x9000);
    const inner = decodeSingle(data, 0x7c);
    const signature = inner.ok ? findTlv(inner.value, 0x82) : undefined;
    expect(signature?.ok && signature.value).toBeTruthy();
    if (!signature?.ok || !signature.value) return;
    expect(verify('sha256', message, certKey(profile.certificates['9E']), signature.value)).toBe(
      true,
    );
  });

  it('refuses 9A with 69 82 until the passcode is verified in this session, then signs', () => {
    const { card, profile } = makeCard();
    expect(send(card, signApdu(0x9a, digest)).sw).toBe(0x6982);
    send(card, verifyApdu('123456'));
    const { data, sw } = send(card, signApdu(0x9a, digest));
    expect(sw).toBe(0x9000);
    const inner = decodeSingle(data, 0x7c);
    const signature = inner.ok ? findTlv(inner.value, 0x82) : undefined;
    if (!signature?.ok || !signature.value) throw new Error('no signature');
    expect(verify('sha256', message, certKey(profile.certificates['9A']), signature.value)).toBe(
      true,
    );
  });

  it('when the card is reset (power-off or reset), then 9A needs the passcode again', () => {
    const { card } = makeCard();
    send(card, verifyApdu('123456'));
    card.reset();
    expect(send(card, signApdu(0x9a, digest)).sw).toBe(0x6982);
  });

  it('accepts the command chained in small parts with CLA 10', () => {
    const { card, profile } = makeCard();
    const parts = chainCommand(signApdu(0x9e, digest), 10);
    expect(parts.length).toBeGreaterThan(3);
    const answers = parts.map((part) => send(card, part));
    expect(answers.slice(0, -1).every((a) => a.sw === 0x9000 && a.data.length === 0)).toBe(true);
    const last = answers.at(-1)!;
    expect(last.sw).toBe(0x9000);
    const inner = decodeSingle(last.data, 0x7c);
    const signature = inner.ok ? findTlv(inner.value, 0x82) : undefined;
    if (!signature?.ok || !signature.value) throw new Error('no signature');
    expect(verify('sha256', message, certKey(profile.certificates['9E']), signature.value)).toBe(
      true,
    );
  });

  it.each([
    [
      'another algorithm',
      command(
        0,
        0x87,
        0x07,
        0x9e,
        encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, new Uint8Array(32))),
        256,
      ),
      0x6a86,
    ],
    ['a digest of 20 bytes', signApdu(0x9e, new Uint8Array(20)), 0x6a80],
    ['another key', signApdu(0x9c, new Uint8Array(32)), 0x6a88],
    ['no template', command(0, 0x87, 0x11, 0x9e, hex('0102'), 256), 0x6a80],
  ])('when it gets %s, then it refuses', (_what, apdu, sw) => {
    const { card } = makeCard();
    expect(send(card, apdu).sw).toBe(sw);
  });
});

describe('virtual PIV card: robustness', PROPERTY_TESTS, () => {
  it('answers 6D 00 to unknown instructions, such as the YubiKey GET VERSION OpenSC tries', () => {
    const { card } = makeCard();
    expect(send(card, command(0, 0xfd, 0, 0, undefined, 3)).sw).toBe(0x6d00);
  });

  it('answers 6E 00 to a proprietary class', () => {
    const { card } = makeCard();
    expect(send(card, command(0x80, 0xca, 0, 0, undefined, 256)).sw).toBe(0x6e00);
  });

  it('never throws on arbitrary bytes, and always answers with a status word', () => {
    const { card } = makeCard();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const response = parseResponse(card.process(bytes));
        expect(response.ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on well-formed commands with random fields, and always answers with a status word', () => {
    const { card } = makeCard();
    fc.assert(
      fc.property(
        fc.constantFrom(0x00, 0x10),
        fc.constantFrom(0xa4, 0xcb, 0x20, 0x24, 0x2c, 0x87, 0xc0),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 40 }),
        (cla, ins, p1, p2, data) => {
          const bytes = encodeCommand(command(cla, ins, p1, p2, data, 256));
          if (!bytes.ok) return;
          expect(parseResponse(card.process(bytes.value)).ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when the store cannot save a spent try, then it answers 65 81 and keeps the old counter', () => {
    const failing: CardStore = {
      save() {
        throw new Error('disk full');
      },
    };
    const card = new VirtualPivCard(makeProfile(), failing);
    expect(send(card, verifyApdu('000000')).sw).toBe(0x6581);
    expect(card.status.pinTriesLeft).toBe(3);
  });
});

/**
 * The commands OpenSC 0.23's PIV driver sent this card through pcscd (detect, list, wrong then
 * right passcode, sign), replayed so a change that breaks OpenSC shows here; integration runs
 * OpenSC itself.
 */
describe('virtual PIV card: the session OpenSC had with it', () => {
  const recorded: readonly (readonly [string, number])[] = [
    ['00a4040007627601ff000000', 0x6a82], // other drivers probing
    ['00a4040c0fd23300000045737445494420763335', 0x6a82], // 6A 86 before P2 0C was accepted
    ['00cadf3005', 0x6d00],
    ['00cb3fff035c017e08', 0x610c], // discovery object, length first
    ['00cb3fff035c017e14', 0x9000],
    ['00cb3fff055c035fc10708', 0x6a82], // CCC
    ['00cb3fff055c035fc10c08', 0x6a82], // key history
    ['00cb3fff055c035fc10208', 0x6135], // CHUID
    ['00cb3fff055c035fc1023d', 0x9000],
    ['00cb3fff055c035fc10a08', 0x6a82],
    ['00cb3fff055c035fc10b08', 0x6a82],
    ['0020008008303030303030ffff', 0x63c2],
    ['00a4040009a00000030800001000', 0x9000],
    ['00200080', 0x63c2],
    ['0020008008313233343536ffff', 0x9000],
    ['00200080', 0x9000],
  ];

  it('answers each command with the status word OpenSC accepted', () => {
    const { card } = makeCard({ guid: '00112233445566778899aabbccddeeff' });
    const answers = recorded.map(([apdu]) => parseResponse(card.process(hex(apdu))));
    expect(answers.map((a) => (a.ok ? a.value.sw : -1))).toEqual(recorded.map(([, sw]) => sw));
  });

  it('answers the 8-byte header read of the discovery object and then the whole object in 20 bytes', () => {
    const { card } = makeCard();
    const head = parseResponse(card.process(hex('00cb3fff035c017e08')));
    const whole = parseResponse(card.process(hex('00cb3fff035c017e14')));
    expect(head.ok && toHex(head.value.data)).toBe('7e124f0ba0000003');
    expect(whole.ok && whole.value.data.length).toBe(0x14);
  });
});
