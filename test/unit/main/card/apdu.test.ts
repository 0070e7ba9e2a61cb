import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLA_CHAINING,
  chainCommand,
  command,
  encodeCommand,
  encodeResponse,
  parseCommand,
  parseResponse,
  type CommandApdu,
} from '../../../../src/main/card/apdu';
import { hex, toHex } from '../../../../src/main/card/bytes';

/** Property tests run many cases: room for them on a loaded two-core machine. */
const PROPERTY_TESTS = { timeout: 30_000 };

const byte = fc.integer({ min: 0, max: 255 });
const commandArb: fc.Arbitrary<CommandApdu> = fc.record({
  cla: byte,
  ins: byte,
  p1: byte,
  p2: byte,
  data: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.uint8Array({ minLength: 250, maxLength: 700 }),
  ),
  le: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 256 }),
    fc.integer({ min: 1, max: 0x10000 }),
  ),
});

const encoded = (apdu: CommandApdu): string => {
  const result = encodeCommand(apdu);
  if (!result.ok) throw new Error(result.error.detail);
  return toHex(result.value);
};

describe('command APDU encoding', PROPERTY_TESTS, () => {
  it('when there is neither data nor Le (case 1), then it is the header alone', () => {
    expect(encoded(command(0x00, 0x20, 0x00, 0x80))).toBe('00200080');
  });

  it('when only Le is given (case 2), then Le 256 is encoded as 00', () => {
    expect(encoded(command(0x00, 0xc0, 0, 0, undefined, 256))).toBe('00c0000000');
    expect(encoded(command(0x00, 0xfd, 0, 0, undefined, 3))).toBe('00fd000003');
  });

  it('when only data is given (case 3), then Lc precedes it', () => {
    expect(encoded(command(0x00, 0x20, 0x00, 0x80, hex('31323334ffffffff')))).toBe(
      '002000800831323334ffffffff',
    );
  });

  it('when data and Le are given (case 4), then Le follows the data', () => {
    expect(encoded(command(0x00, 0xcb, 0x3f, 0xff, hex('5c035fc102'), 256))).toBe(
      '00cb3fff055c035fc10200',
    );
  });

  it('when the data is longer than 255 bytes, then Lc and Le use the extended form', () => {
    const data = new Uint8Array(300).fill(0xab);
    expect(encoded(command(0x00, 0xdb, 0x3f, 0xff, data, 0x10000))).toBe(
      `00db3fff00012c${'ab'.repeat(300)}0000`,
    );
  });

  it('when only an Le above 256 is given, then it is extended with a single leading 00', () => {
    expect(encoded(command(0x00, 0xb0, 0, 0, undefined, 0x1234))).toBe('00b00000001234');
  });

  it('when a field is out of range, then it answers malformed instead of throwing', () => {
    for (const bad of [
      command(0x100, 0, 0, 0),
      command(0, -1, 0, 0),
      command(0, 0, 0, 0, undefined, 0x10001),
      command(0, 0, 0, 0, new Uint8Array(0x10000)),
    ]) {
      const result = encodeCommand(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('malformed');
    }
  });

  it('round-trips every command through encode and parse', () => {
    fc.assert(
      fc.property(commandArb, (apdu) => {
        const bytes = encodeCommand(apdu);
        expect(bytes.ok).toBe(true);
        if (!bytes.ok) return;
        const back = parseCommand(bytes.value);
        expect(back).toEqual({ ok: true, value: apdu });
      }),
    );
  });

  it('never throws on arbitrary bytes: parseCommand returns a value or a malformed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const result = parseCommand(bytes);
        if (!result.ok) expect(result.error.code).toBe('malformed');
      }),
    );
  });
});

describe('response APDU', PROPERTY_TESTS, () => {
  it('splits data from the status word', () => {
    expect(parseResponse(hex('0102039000'))).toEqual({
      ok: true,
      value: { data: hex('010203'), sw: 0x9000 },
    });
  });

  it('when fewer than two bytes arrive, then it is malformed', () => {
    for (const bytes of [new Uint8Array(0), hex('90')]) {
      const result = parseResponse(bytes);
      expect(result.ok ? 'ok' : result.error.code).toBe('malformed');
    }
  });

  it('round-trips every response', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 0xffff }),
        (data, sw) => {
          expect(parseResponse(encodeResponse(data, sw))).toEqual({
            ok: true,
            value: { data, sw },
          });
        },
      ),
    );
  });
});

describe('command chaining', PROPERTY_TESTS, () => {
  it('when the data fits in one APDU, then the command is sent as is', () => {
    const apdu = command(0, 0xdb, 0x3f, 0xff, new Uint8Array(255), 0);
    expect(chainCommand(apdu)).toEqual([apdu]);
  });

  it('when the data is longer than 255 bytes, then every part but the last has CLA bit 0x10 and only the last has Le', () => {
    const data = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    const parts = chainCommand(command(0x00, 0x87, 0x11, 0x9a, data, 256));
    expect(parts.map((p) => [p.cla, p.data.length, p.le])).toEqual([
      [CLA_CHAINING, 255, 0],
      [CLA_CHAINING, 255, 0],
      [0x00, 90, 256],
    ]);
  });

  it('reassembles to the original data for any length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: 255 }),
        (data, chunk) => {
          const parts = chainCommand(command(0, 0x2a, 0, 0, data, 0), chunk);
          const joined = Uint8Array.from(parts.flatMap((p) => [...p.data]));
          expect(joined).toEqual(data);
          expect(parts.every((p) => p.data.length <= chunk)).toBe(true);
        },
      ),
    );
  });
});
