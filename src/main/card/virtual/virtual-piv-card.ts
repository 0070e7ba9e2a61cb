import { createPrivateKey } from 'node:crypto';
import { err, ok, type Result } from '../../../shared/result';
import { CLA_CHAINING, encodeResponse, parseCommand, type CommandApdu } from '../apdu';
import { concatBytes, constantTimeEqual, fromHex, hex } from '../bytes';
import {
  ALG_ECC_P256,
  INS,
  KEY_REF,
  OBJECT,
  PIV_AID,
  PIV_RID,
  REFERENCE_LENGTH,
  TAG,
} from '../piv';
import { SW, triesLeftSw } from '../status-words';
import { decodeSingle, decodeTlvs, encodeTlv } from '../tlv';
import type { PivKeySlot } from '../types';
import { FileCardStore, loadProfileFile, type CardStore } from './card-store';
import { privateScalar, signDigest } from './ecdsa-p256';
import { DEFAULT_MAX_TRIES, type CompleteProfile, type ProfileError } from './profile';

/**
 * A software PIV card (NIST SP 800-73-4 subset of docs/card-protocol.md): full command APDUs in,
 * response data and SW1 SW2 out. It is the in-process mock reader's card, and, plugged into
 * pcscd's vpcd driver, a card in a real reader that OpenSC's PIV driver recognises.
 */

/**
 * ATR: T=1 only (TD1 = 81, TD2 = 31 with IFSC FE and BWI/CWI 15), historical bytes 80 then the
 * compact TLV 58 "SCUnlock" (issuer data). Not the 3B 8x 80 01 shape, which OpenSC takes for a
 * contactless card.
 */
export const VIRTUAL_CARD_ATR: Uint8Array = (() => {
  const body = concatBytes(hex('8A 81 31 FE 15 80 58'), Buffer.from('SCUnlock', 'ascii'));
  const tck = body.reduce((x, b) => x ^ b, 0);
  return concatBytes(hex('3B'), body, Uint8Array.of(tck));
})();

/** A FASC-N for a non-federal issuer (agency, system and credential 9999/9999/999999). */
const FASC_N = hex('D4 E7 39 DA 73 9C ED 39 CE 73 9D 83 68 58 21 08 42 10 84 21 C8 42 10 C3 EB');
/** CHUID expiry (tag 35, YYYYMMDD): far ahead, the app does not use it. */
const CHUID_EXPIRY = Buffer.from('20991231', 'ascii');
/** Application label in the SELECT response. */
const LABEL = Buffer.from('smartcard-unlock virtual PIV', 'ascii');
/** Command data collected from a chain is capped, as a real card's buffer is. */
const MAX_CHAINED_DATA = 4096;
/** SW 65 81: memory failure (the state could not be persisted). */
const SW_MEMORY_FAILURE = 0x6581;

/** The state the card shows for tests and diagnostics (no secrets). */
interface VirtualCardStatus {
  readonly pinTriesLeft: number;
  readonly pukTriesLeft: number;
  readonly verified: boolean;
}

interface Answer {
  readonly data: Uint8Array;
  readonly sw: number;
}
const answer = (sw: number, data: Uint8Array = new Uint8Array(0)): Answer => ({ data, sw });

/** Pads an ASCII reference with FF, as the client sends it. */
function padded(value: string): Uint8Array {
  const out = new Uint8Array(REFERENCE_LENGTH).fill(0xff);
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i);
  return out;
}

/** Reads an FF-padded reference the card will store: 1-8 printable ASCII then only FF. */
function unpad(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0xff);
  const body = end === -1 ? bytes : bytes.subarray(0, end);
  if (body.length === 0 || !bytes.subarray(body.length).every((b) => b === 0xff)) return undefined;
  if (!body.every((b) => b >= 0x20 && b <= 0x7e)) return undefined;
  return Buffer.from(body).toString('ascii');
}

/** The card. */
export class VirtualPivCard {
  /** The Answer To Reset. */
  readonly atr: Uint8Array = VIRTUAL_CARD_ATR;

  private state: CompleteProfile;
  private readonly scalars: Readonly<Record<PivKeySlot, bigint>>;
  private readonly certificates: Readonly<Record<PivKeySlot, Uint8Array>>;
  // Session state, lost at power-off or reset, as on a chip.
  private verified = false;
  private chain: { readonly header: readonly number[]; readonly data: Uint8Array } | undefined;
  private pending: Uint8Array | undefined;

  constructor(
    profile: CompleteProfile,
    private readonly store: CardStore,
  ) {
    this.state = profile;
    this.scalars = {
      '9A': privateScalar(createPrivateKey(profile.keys['9A'])),
      '9E': privateScalar(createPrivateKey(profile.keys['9E'])),
    };
    this.certificates = {
      '9A': Uint8Array.from(Buffer.from(profile.certificates['9A'], 'base64')),
      '9E': Uint8Array.from(Buffer.from(profile.certificates['9E'], 'base64')),
    };
  }

  /** Try counters and the session's verified flag. */
  get status(): VirtualCardStatus {
    return {
      pinTriesLeft: this.state.pinTriesLeft,
      pukTriesLeft: this.state.pukTriesLeft,
      verified: this.verified,
    };
  }

  /** Power-off or warm reset: the session ends (verified flag, pending chain and response). */
  reset(): void {
    this.verified = false;
    this.chain = undefined;
    this.pending = undefined;
  }

  /** Blocks the passcode (tries to 0), as three wrong passcodes would; for the mock reader and tests. */
  lock(): void {
    this.commit({ ...this.state, pinTriesLeft: 0 });
    this.verified = false;
  }

  /** Processes one command APDU and returns the response (data, SW1, SW2). Never throws. */
  process(commandBytes: Uint8Array): Uint8Array {
    const parsed = parseCommand(commandBytes);
    if (!parsed.ok) return encodeResponse(new Uint8Array(0), SW.WRONG_LENGTH);
    const apdu = parsed.value;
    if ((apdu.cla & ~CLA_CHAINING) !== 0)
      return encodeResponse(new Uint8Array(0), SW.CLA_NOT_SUPPORTED);
    if (apdu.ins === INS.GET_RESPONSE) return this.getResponse(apdu);
    this.pending = undefined;

    const header = [apdu.ins, apdu.p1, apdu.p2];
    const sameChain = this.chain?.header.every((b, i) => b === header[i]) ?? false;
    const prefix = sameChain && this.chain ? this.chain.data : new Uint8Array(0);
    this.chain = undefined;
    const data = concatBytes(prefix, apdu.data);
    if (data.length > MAX_CHAINED_DATA) return encodeResponse(new Uint8Array(0), SW.WRONG_LENGTH);
    if ((apdu.cla & CLA_CHAINING) !== 0) {
      this.chain = { header, data };
      return encodeResponse(new Uint8Array(0), SW.OK);
    }

    let result: Answer;
    try {
      result = this.dispatch({ ...apdu, cla: 0, data });
    } catch {
      // A bug in the card must not hang or crash the reader; a real card says 6F 00.
      result = answer(SW.NO_PRECISE_DIAGNOSIS);
    }
    return this.respond(result, apdu.le);
  }

  /** Sends the first chunk of an answer; the rest waits for GET RESPONSE (61 xx). */
  private respond({ data, sw }: Answer, le: number): Uint8Array {
    const size = le === 0 ? 256 : le;
    if (data.length <= size) return encodeResponse(data, sw);
    // Only successful answers carry data, so the final status after the last chunk is 9000.
    this.pending = data.subarray(size);
    return encodeResponse(
      data.subarray(0, size),
      0x6100 | (Math.min(this.pending.length, 256) % 256),
    );
  }

  private getResponse(apdu: CommandApdu): Uint8Array {
    const rest = this.pending;
    this.pending = undefined;
    if (!rest) return encodeResponse(new Uint8Array(0), SW.CONDITIONS);
    return this.respond(answer(SW.OK, rest), apdu.le);
  }

  private dispatch(apdu: CommandApdu): Answer {
    switch (apdu.ins) {
      case INS.SELECT:
        return this.select(apdu);
      case INS.GET_DATA:
        return this.getData(apdu);
      case INS.VERIFY:
        return this.verify(apdu);
      case INS.CHANGE_REFERENCE_DATA:
        return this.changeReference(apdu);
      case INS.RESET_RETRY_COUNTER:
        return this.resetRetryCounter(apdu);
      case INS.GENERAL_AUTHENTICATE:
        return this.generalAuthenticate(apdu);
      default:
        return answer(SW.INS_NOT_SUPPORTED);
    }
  }

  /** SELECT by AID; the full AID or a right-truncated one of at least the RID selects PIV. */
  private select(apdu: CommandApdu): Answer {
    // P2 00 asks for the template, 0C for no answer data (ISO 7816-4 §11.2.2).
    if (apdu.p1 !== 0x04 || (apdu.p2 !== 0x00 && apdu.p2 !== 0x0c)) {
      return answer(SW.INCORRECT_P1P2);
    }
    const aid = apdu.data;
    const matches =
      aid.length >= PIV_RID.length &&
      aid.length <= PIV_AID.length &&
      aid.every((b, i) => b === PIV_AID[i]);
    if (!matches) return answer(SW.NOT_FOUND);
    // Application Property Template (SP 800-73-4 Part 2, Table 3).
    const apt = encodeTlv(
      TAG.APT,
      encodeTlv(TAG.AID, PIV_AID.subarray(PIV_RID.length)),
      encodeTlv(TAG.AUTHORITY, encodeTlv(TAG.AID, PIV_RID)),
      encodeTlv(TAG.LABEL, LABEL),
      encodeTlv(
        TAG.ALGORITHMS,
        encodeTlv(TAG.ALGORITHM, Uint8Array.of(ALG_ECC_P256)),
        encodeTlv(TAG.OID, Uint8Array.of(0)),
      ),
    );
    return answer(SW.OK, apdu.p2 === 0x0c ? new Uint8Array(0) : apt);
  }

  private getData(apdu: CommandApdu): Answer {
    if (apdu.p1 !== 0x3f || apdu.p2 !== 0xff) return answer(SW.INCORRECT_P1P2);
    const tag = decodeSingle(apdu.data, TAG.TAG_LIST);
    if (!tag.ok || tag.value.length < 1 || tag.value.length > 3) return answer(SW.WRONG_DATA);
    const object = tag.value.reduce((n, b) => n * 256 + b, 0);
    const wrap = (...items: Uint8Array[]) => answer(SW.OK, encodeTlv(TAG.DATA, ...items));
    switch (object) {
      case OBJECT.DISCOVERY:
        // PIN usage policy 40 00: the PIV application passcode only.
        return answer(
          SW.OK,
          encodeTlv(
            TAG.DISCOVERY,
            encodeTlv(TAG.AID, PIV_AID),
            encodeTlv(TAG.PIN_POLICY, hex('40 00')),
          ),
        );
      case OBJECT.CHUID:
        return wrap(
          encodeTlv(TAG.FASC_N, FASC_N),
          encodeTlv(TAG.GUID, fromHex(this.state.guid) ?? new Uint8Array(16)),
          encodeTlv(TAG.EXPIRY, CHUID_EXPIRY),
          encodeTlv(TAG.ISSUER_SIGNATURE),
          encodeTlv(TAG.ERROR_DETECTION),
        );
      case OBJECT.CERT_9A:
      case OBJECT.CERT_9E: {
        const cert = this.certificates[object === OBJECT.CERT_9A ? '9A' : '9E'];
        return wrap(
          encodeTlv(TAG.CERTIFICATE, cert),
          encodeTlv(TAG.CERT_INFO, Uint8Array.of(0)),
          encodeTlv(TAG.ERROR_DETECTION),
        );
      }
      default:
        return answer(SW.NOT_FOUND);
    }
  }

  private verify(apdu: CommandApdu): Answer {
    if (apdu.p2 !== KEY_REF.PASSCODE) return answer(SW.REFERENCE_NOT_FOUND);
    if (apdu.p1 === 0xff) {
      // P1 FF: reset the security status (SP 800-73-4 §3.2.1).
      if (apdu.data.length !== 0) return answer(SW.WRONG_DATA);
      this.verified = false;
      return answer(SW.OK);
    }
    if (apdu.p1 !== 0x00) return answer(SW.INCORRECT_P1P2);
    const tries = this.state.pinTriesLeft;
    if (apdu.data.length === 0) {
      if (this.verified) return answer(SW.OK);
      return answer(tries === 0 ? SW.BLOCKED : triesLeftSw(tries));
    }
    if (apdu.data.length !== REFERENCE_LENGTH) return answer(SW.WRONG_DATA);
    if (tries === 0) return answer(SW.BLOCKED);
    if (constantTimeEqual(apdu.data, padded(this.state.pin))) {
      if (!this.commit({ ...this.state, pinTriesLeft: this.pinMax() }))
        return answer(SW_MEMORY_FAILURE);
      this.verified = true;
      return answer(SW.OK);
    }
    this.verified = false;
    if (!this.commit({ ...this.state, pinTriesLeft: tries - 1 })) return answer(SW_MEMORY_FAILURE);
    return answer(triesLeftSw(tries - 1));
  }

  /** CHANGE REFERENCE DATA: current then new value, 8 bytes each, on the passcode (80) or PUK (81). */
  private changeReference(apdu: CommandApdu): Answer {
    if (apdu.p1 !== 0x00) return answer(SW.INCORRECT_P1P2);
    const isPin = apdu.p2 === KEY_REF.PASSCODE;
    if (!isPin && apdu.p2 !== KEY_REF.PUK) return answer(SW.REFERENCE_NOT_FOUND);
    if (apdu.data.length !== 2 * REFERENCE_LENGTH) return answer(SW.WRONG_DATA);
    const tries = isPin ? this.state.pinTriesLeft : this.state.pukTriesLeft;
    if (tries === 0) return answer(SW.BLOCKED);
    const next = unpad(apdu.data.subarray(REFERENCE_LENGTH));
    // A malformed new value is refused before the current one is checked, so it costs no try.
    if (next === undefined) return answer(SW.WRONG_DATA);
    const current = padded(isPin ? this.state.pin : this.state.puk);
    if (!constantTimeEqual(apdu.data.subarray(0, REFERENCE_LENGTH), current)) {
      if (isPin) this.verified = false;
      const spent = isPin
        ? { ...this.state, pinTriesLeft: tries - 1 }
        : { ...this.state, pukTriesLeft: tries - 1 };
      if (!this.commit(spent)) return answer(SW_MEMORY_FAILURE);
      return answer(triesLeftSw(tries - 1));
    }
    const changed = isPin
      ? { ...this.state, pin: next, pinTriesLeft: this.pinMax() }
      : { ...this.state, puk: next, pukTriesLeft: this.pukMax() };
    if (!this.commit(changed)) return answer(SW_MEMORY_FAILURE);
    // SP 800-73-4: a successful change of the passcode leaves it verified.
    if (isPin) this.verified = true;
    return answer(SW.OK);
  }

  /** RESET RETRY COUNTER: PUK then new passcode; unblocks the passcode. */
  private resetRetryCounter(apdu: CommandApdu): Answer {
    if (apdu.p1 !== 0x00) return answer(SW.INCORRECT_P1P2);
    if (apdu.p2 !== KEY_REF.PASSCODE) return answer(SW.REFERENCE_NOT_FOUND);
    if (apdu.data.length !== 2 * REFERENCE_LENGTH) return answer(SW.WRONG_DATA);
    const tries = this.state.pukTriesLeft;
    if (tries === 0) return answer(SW.BLOCKED);
    const next = unpad(apdu.data.subarray(REFERENCE_LENGTH));
    if (next === undefined) return answer(SW.WRONG_DATA);
    if (!constantTimeEqual(apdu.data.subarray(0, REFERENCE_LENGTH), padded(this.state.puk))) {
      if (!this.commit({ ...this.state, pukTriesLeft: tries - 1 }))
        return answer(SW_MEMORY_FAILURE);
      return answer(triesLeftSw(tries - 1));
    }
    const reset = {
      ...this.state,
      pin: next,
      pinTriesLeft: this.pinMax(),
      pukTriesLeft: this.pukMax(),
    };
    if (!this.commit(reset)) return answer(SW_MEMORY_FAILURE);
    return answer(SW.OK);
  }

  /** GENERAL AUTHENTICATE 7C { 82 00, 81 digest } with 9A (after VERIFY) or 9E: ECDSA P-256. */
  private generalAuthenticate(apdu: CommandApdu): Answer {
    const slot: PivKeySlot | undefined =
      apdu.p2 === 0x9a ? '9A' : apdu.p2 === 0x9e ? '9E' : undefined;
    if (!slot) return answer(SW.REFERENCE_NOT_FOUND);
    if (apdu.p1 !== ALG_ECC_P256) return answer(SW.INCORRECT_P1P2);
    if (slot === '9A' && !this.verified) return answer(SW.SECURITY_STATUS);
    const template = decodeSingle(apdu.data, TAG.DYNAMIC_AUTH);
    if (!template.ok) return answer(SW.WRONG_DATA);
    const items = decodeTlvs(template.value);
    if (!items.ok) return answer(SW.WRONG_DATA);
    const response = items.value.find((item) => item.tag === TAG.AUTH_RESPONSE);
    const challenge = items.value.find((item) => item.tag === TAG.AUTH_CHALLENGE);
    if (!response || response.value.length !== 0 || challenge?.value.length !== 32) {
      return answer(SW.WRONG_DATA);
    }
    const signature = signDigest(this.scalars[slot], challenge.value);
    return answer(SW.OK, encodeTlv(TAG.DYNAMIC_AUTH, encodeTlv(TAG.AUTH_RESPONSE, signature)));
  }

  private pinMax(): number {
    return this.state.pinTriesMax ?? DEFAULT_MAX_TRIES;
  }

  private pukMax(): number {
    return this.state.pukTriesMax ?? DEFAULT_MAX_TRIES;
  }

  /** Persists then adopts a new state; false (state unchanged) when the store failed. */
  private commit(next: CompleteProfile): boolean {
    try {
      this.store.save(next);
    } catch {
      return false;
    }
    this.state = next;
    return true;
  }
}

/** Opens the card a profile file describes, keeping its state in that file. */
export function openVirtualCardFile(path: string): Result<VirtualPivCard, ProfileError> {
  const profile = loadProfileFile(path);
  if (!profile.ok) return profile;
  try {
    return ok(new VirtualPivCard(profile.value, new FileCardStore(path)));
  } catch (cause) {
    return err({ message: `${path}: the keys cannot be used (${String(cause)})` });
  }
}
