import { err, ok } from '../../shared/result';
import { concatBytes } from './bytes';
import type { CardError, CardResult } from './types';

/**
 * Command and response APDUs (ISO/IEC 7816-4), as pure and total functions: bad bytes give a
 * `malformed` CardError, never an exception.
 */

/** A command APDU. `data` is empty when there is no command data; `le` 0 means no Le field. */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Expected response length, 0 (absent) or 1..65536; 256 is short `00`, 65536 extended `0000`. */
  readonly le: number;
}

/** A response APDU split into its data and status word. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

/** The largest command data a short APDU carries; longer data is chained or sent extended. */
const SHORT_MAX_DATA = 255;
/** The largest Le a short APDU can ask for. */
const SHORT_MAX_LE = 256;
/** The chaining bit in CLA (ISO 7816-4 §5.4.1): more commands of the same chain follow. */
export const CLA_CHAINING = 0x10;
/** Success. */
export const SW_OK = 0x9000;

/** A command with defaults for the optional parts. */
export function command(
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data: Uint8Array = new Uint8Array(0),
  le = 0,
): CommandApdu {
  return { cla, ins, p1, p2, data, le };
}

const malformed = (detail: string): { ok: false; error: CardError } =>
  err({ code: 'malformed', detail });

const isByte = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xff;

/** Whether the command needs extended length fields (it cannot be said in a short APDU). */
function needsExtended(apdu: CommandApdu): boolean {
  return apdu.data.length > SHORT_MAX_DATA || apdu.le > SHORT_MAX_LE;
}

/**
 * Encodes a command in the shortest form that carries it: short (cases 1 to 4) when the data fits
 * in 255 bytes and Le in 256, extended otherwise. `malformed` for out-of-range fields.
 */
export function encodeCommand(apdu: CommandApdu): CardResult<Uint8Array> {
  const { cla, ins, p1, p2, data, le } = apdu;
  if (![cla, ins, p1, p2].every(isByte)) return malformed('CLA, INS, P1 and P2 must be bytes');
  if (data.length > 0xffff) return malformed('command data longer than 65535 bytes');
  if (!Number.isInteger(le) || le < 0 || le > 0x10000) return malformed('Le out of range');
  const header = Uint8Array.of(cla, ins, p1, p2);
  if (!needsExtended(apdu)) {
    const lc = data.length > 0 ? Uint8Array.of(data.length, ...data) : new Uint8Array(0);
    const leField = le > 0 ? Uint8Array.of(le & 0xff) : new Uint8Array(0);
    return ok(concatBytes(header, lc, leField));
  }
  const lc =
    data.length > 0
      ? concatBytes(Uint8Array.of(0, data.length >> 8, data.length & 0xff), data)
      : undefined;
  const leBytes = Uint8Array.of((le >> 8) & 0xff, le & 0xff);
  // In extended form the leading 00 is present once: before Lc when there is data, else before Le.
  const leField =
    le === 0 ? new Uint8Array(0) : lc ? leBytes : concatBytes(Uint8Array.of(0), leBytes);
  return ok(concatBytes(header, lc ?? new Uint8Array(0), leField));
}

/** Decodes a command APDU (what a card receives), short or extended, cases 1 to 4. */
export function parseCommand(bytes: Uint8Array): CardResult<CommandApdu> {
  if (bytes.length < 4)
    return malformed(`command of ${bytes.length} bytes is shorter than a header`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const empty = new Uint8Array(0);
  if (body.length === 0) return ok({ cla, ins, p1, p2, data: empty, le: 0 });
  const b0 = body[0]!;
  if (body.length === 1) return ok({ cla, ins, p1, p2, data: empty, le: b0 === 0 ? 256 : b0 });
  if (b0 !== 0) {
    // Short case 3 or 4: Lc, data, and optionally one Le byte.
    if (body.length === 1 + b0) return ok({ cla, ins, p1, p2, data: body.slice(1), le: 0 });
    if (body.length === 2 + b0) {
      const le = body[1 + b0]!;
      return ok({ cla, ins, p1, p2, data: body.slice(1, 1 + b0), le: le === 0 ? 256 : le });
    }
    return malformed(`Lc ${b0} does not match a command body of ${body.length} bytes`);
  }
  // Extended: 00 then two bytes (Le alone, or Lc).
  if (body.length < 3) return malformed('extended length field cut short');
  if (body.length === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return ok({ cla, ins, p1, p2, data: empty, le: le === 0 ? 0x10000 : le });
  }
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) return malformed('extended Lc of zero');
  if (body.length === 3 + lc) return ok({ cla, ins, p1, p2, data: body.slice(3), le: 0 });
  if (body.length === 5 + lc) {
    const le = (body[3 + lc]! << 8) | body[4 + lc]!;
    return ok({ cla, ins, p1, p2, data: body.slice(3, 3 + lc), le: le === 0 ? 0x10000 : le });
  }
  return malformed(`extended Lc ${lc} does not match a command body of ${body.length} bytes`);
}

/** Splits a response into data and status word; `malformed` when it has no status word. */
export function parseResponse(bytes: Uint8Array): CardResult<ResponseApdu> {
  if (bytes.length < 2) return malformed(`response of ${bytes.length} bytes has no status word`);
  const n = bytes.length;
  return ok({ data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! });
}

/** Encodes a response (what a card answers): data then SW1 SW2. */
export function encodeResponse(data: Uint8Array, sw: number): Uint8Array {
  return concatBytes(data, Uint8Array.of((sw >> 8) & 0xff, sw & 0xff));
}

/**
 * Splits a command whose data is longer than `chunk` bytes into a chain (ISO 7816-4 command
 * chaining): every part but the last has the CLA chaining bit set and no Le; the last carries Le.
 */
export function chainCommand(apdu: CommandApdu, chunk = SHORT_MAX_DATA): readonly CommandApdu[] {
  if (apdu.data.length <= chunk) return [apdu];
  const parts: CommandApdu[] = [];
  for (let offset = 0; offset < apdu.data.length; offset += chunk) {
    const last = offset + chunk >= apdu.data.length;
    parts.push({
      ...apdu,
      cla: last ? apdu.cla : apdu.cla | CLA_CHAINING,
      data: apdu.data.slice(offset, offset + chunk),
      le: last ? apdu.le : 0,
    });
  }
  return parts;
}

/** The `GET RESPONSE` command that collects the next `61 xx` chunk. */
export function getResponseCommand(sw2: number): CommandApdu {
  return command(0x00, 0xc0, 0x00, 0x00, new Uint8Array(0), sw2 === 0 ? 256 : sw2);
}
