import { err, ok } from '../../shared/result';
import { command, type CommandApdu } from './apdu';
import { concatBytes, toHex } from './bytes';
import {
  ALG_ECC_P256,
  CERT_OBJECT,
  INS,
  KEY_REF,
  OBJECT,
  PIV_AID,
  REFERENCE_LENGTH,
  SLOT_KEY_REF,
  TAG,
} from './piv';
import { checkStatus, statusError, SW, type SecretReference } from './status-words';
import { decodeSingle, decodeTlvs, encodeTlv, findTlv, readTlv, tagBytes } from './tlv';
import { transceive } from './transceive';
import type {
  CardChannel,
  CardError,
  CardIdentity,
  CardResult,
  PasscodeStatus,
  PivCard,
  PivKeySlot,
  PivOperation,
  PivOutcomes,
  PivUnlockCard,
  UnblockOutcome,
  UnblockRequest,
  UnblockStep,
} from './types';

/** Options of the PIV client. */
interface PivClientOptions {
  /**
   * Tries to report when VERIFY without data answers 9000 (already verified in this session):
   * the card then holds its reset value, which PIV does not let us read. Profile default 3.
   */
  readonly passcodeTriesWhenVerified?: number;
}

/** What the passcode and PUK may hold: 1 to 8 printable ASCII characters. */
const REFERENCE_PATTERN = /^[\x20-\x7e]{1,8}$/;

/** Pads a passcode or PUK with FF to 8 bytes; `wrong-data` (no secret in it) when it cannot be sent. */
function padReference(value: string, what: 'passcode' | 'PUK'): CardResult<Uint8Array> {
  if (!REFERENCE_PATTERN.test(value)) {
    return err({
      code: 'wrong-data',
      detail: `the ${what} must be 1 to 8 printable ASCII characters`,
    });
  }
  const out = new Uint8Array(REFERENCE_LENGTH).fill(0xff);
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i);
  return ok(out);
}

/** The GET DATA command for a data object. */
function getDataCommand(object: number): CommandApdu {
  return command(0x00, INS.GET_DATA, 0x3f, 0xff, encodeTlv(TAG.TAG_LIST, tagBytes(object)), 256);
}

/**
 * PivCard over any CardChannel: the profile's APDUs, with status words mapped to CardErrors. When
 * the channel can run whole operations where the card is (`runPiv`), each call is sent there whole.
 */
export class PivClient implements PivUnlockCard {
  private readonly options: { readonly passcodeTriesWhenVerified: number };

  constructor(
    private readonly channel: CardChannel,
    options: PivClientOptions = {},
  ) {
    this.options = { passcodeTriesWhenVerified: options.passcodeTriesWhenVerified ?? 3 };
  }

  /** SELECT the PIV application; a card without it is `not-piv`. */
  async select(): Promise<CardResult<void>> {
    const elsewhere = this.elsewhere({ op: 'select' });
    if (elsewhere !== undefined) return elsewhere;
    const response = await transceive(
      this.channel,
      command(0x00, INS.SELECT, 0x04, 0x00, PIV_AID, 256),
    );
    if (!response.ok) return response;
    if (response.value.sw !== SW.OK) {
      return err({
        code: 'not-piv',
        statusWord: response.value.sw,
        detail: 'SELECT of the PIV AID failed',
      });
    }
    return ok(undefined);
  }

  /** SELECT, the card identifier and the passcode's state, sent where the card is as one call. */
  async identify(): Promise<CardResult<CardIdentity>> {
    return this.elsewhere({ op: 'identify' }) ?? identifySequence(this);
  }

  /** Reads the CHUID and returns its GUID (tag 34) as 32 lowercase hex digits. */
  async readCardId(): Promise<CardResult<string>> {
    const elsewhere = this.elsewhere({ op: 'readCardId' });
    if (elsewhere !== undefined) return elsewhere;
    const chuid = await this.getData(OBJECT.CHUID);
    if (!chuid.ok) return chuid;
    const guid = findTlv(chuid.value, TAG.GUID);
    if (!guid.ok) return guid;
    if (guid.value?.length !== 16) {
      return err({ code: 'malformed', detail: 'the CHUID has no 16-byte GUID (tag 34)' });
    }
    return ok(toHex(guid.value));
  }

  /** Reads the slot's certificate object and unwraps 53 { 70 cert, 71 info }. */
  async readCertificate(slot: PivKeySlot): Promise<CardResult<Uint8Array>> {
    const elsewhere = this.elsewhere({ op: 'readCertificate', slot });
    if (elsewhere !== undefined) return elsewhere;
    const object = await this.getData(CERT_OBJECT[slot]);
    if (!object.ok) return object;
    const items = decodeTlvs(object.value);
    if (!items.ok) return items;
    const cert = items.value.find((item) => item.tag === TAG.CERTIFICATE)?.value;
    const info = items.value.find((item) => item.tag === TAG.CERT_INFO)?.value;
    if (!cert || cert.length === 0) {
      return err({ code: 'not-found', detail: `no certificate in slot ${slot}` });
    }
    // CertInfo bit 0 says the certificate is gzip-compressed; the profile does not use that.
    if (info && info.length > 0 && (info[0]! & 0x01) !== 0) {
      return err({ code: 'unsupported', detail: `the ${slot} certificate is compressed` });
    }
    const der = readTlv(cert);
    if (!der.ok || der.value.tlv.tag !== 0x30 || der.value.next !== cert.length) {
      return err({ code: 'malformed', detail: `the ${slot} certificate is not one DER SEQUENCE` });
    }
    return ok(cert);
  }

  /** VERIFY without data: the passcode's tries left, without spending one. */
  async passcodeStatus(): Promise<CardResult<PasscodeStatus>> {
    const elsewhere = this.elsewhere({ op: 'passcodeStatus' });
    if (elsewhere !== undefined) return elsewhere;
    const response = await transceive(
      this.channel,
      command(0x00, INS.VERIFY, 0x00, KEY_REF.PASSCODE),
    );
    if (!response.ok) return response;
    const { sw } = response.value;
    if (sw === SW.OK) {
      return ok({ blocked: false, triesLeft: this.options.passcodeTriesWhenVerified });
    }
    if (sw === SW.BLOCKED) return ok({ blocked: true, triesLeft: 0 });
    if ((sw & 0xfff0) === 0x63c0) {
      const triesLeft = sw & 0x0f;
      return ok({ blocked: triesLeft === 0, triesLeft });
    }
    return err(statusError(sw, 'passcode'));
  }

  /** VERIFY the passcode, after checking that the card is not blocked (a blocked card never sees it). */
  async verifyPasscode(passcode: string): Promise<CardResult<void>> {
    const padded = padReference(passcode, 'passcode');
    if (!padded.ok) return padded;
    const elsewhere = this.elsewhere({ op: 'verifyPasscode', passcode });
    if (elsewhere !== undefined) return wiped(padded.value, elsewhere);
    const blocked = await this.refuseIfBlocked();
    if (!blocked.ok) return blocked;
    return this.run(command(0x00, INS.VERIFY, 0x00, KEY_REF.PASSCODE, padded.value), 'passcode');
  }

  /**
   * CHANGE REFERENCE DATA on the passcode; refused locally when the card is blocked, and when one
   * try is left unless `spendLastTry` (the status and the change are one operation in the worker).
   */
  async changePasscode(
    current: string,
    next: string,
    spendLastTry = true,
  ): Promise<CardResult<void>> {
    const data = this.pair(current, 'passcode', next, 'passcode');
    if (!data.ok) return data;
    const elsewhere = this.elsewhere({ op: 'changePasscode', current, next, spendLastTry });
    if (elsewhere !== undefined) return wiped(data.value, elsewhere);
    const blocked = await this.refuseIfBlocked(spendLastTry ? 0 : 1);
    if (!blocked.ok) {
      data.value.fill(0);
      return blocked;
    }
    return this.run(
      command(0x00, INS.CHANGE_REFERENCE_DATA, 0x00, KEY_REF.PASSCODE, data.value),
      'passcode',
    );
  }

  /** CHANGE REFERENCE DATA on the PUK. */
  changePuk(current: string, next: string): Promise<CardResult<void>> {
    const data = this.pair(current, 'PUK', next, 'PUK');
    if (!data.ok) return Promise.resolve(data);
    const elsewhere = this.elsewhere({ op: 'changePuk', current, next });
    if (elsewhere !== undefined) return wiped(data.value, elsewhere);
    return this.run(command(0x00, INS.CHANGE_REFERENCE_DATA, 0x00, KEY_REF.PUK, data.value), 'puk');
  }

  /** RESET RETRY COUNTER: PUK then the new passcode, each padded to 8 bytes. */
  resetRetryCounter(puk: string, newPasscode: string): Promise<CardResult<void>> {
    const data = this.pair(puk, 'PUK', newPasscode, 'passcode');
    if (!data.ok) return Promise.resolve(data);
    const elsewhere = this.elsewhere({ op: 'resetRetryCounter', puk, newPasscode });
    if (elsewhere !== undefined) return wiped(data.value, elsewhere);
    return this.run(
      command(0x00, INS.RESET_RETRY_COUNTER, 0x00, KEY_REF.PASSCODE, data.value),
      'puk',
    );
  }

  /** The unlock's card commands as one operation (see `PivUnlockCard`). */
  unblock(request: UnblockRequest, onStep?: (step: UnblockStep) => void): Promise<UnblockOutcome> {
    const refused = refuseUnblock(request);
    if (refused !== undefined) return Promise.resolve(refused);
    const { puk, unconfirmedPuk, nextPuk, passcode } = request;
    return (
      this.elsewhere({ op: 'unblock', puk, unconfirmedPuk, nextPuk, passcode }, onStep) ??
      unblockSequence(this, request, onStep)
    );
  }

  /** GENERAL AUTHENTICATE: signs a SHA-256 digest with the slot's P-256 key; returns DER ECDSA. */
  async sign(slot: PivKeySlot, digest: Uint8Array): Promise<CardResult<Uint8Array>> {
    if (digest.length !== 32) {
      return err({
        code: 'wrong-data',
        detail: `a P-256 signature needs a 32-byte digest, got ${digest.length}`,
      });
    }
    const elsewhere = this.elsewhere({ op: 'sign', slot, digest });
    if (elsewhere !== undefined) return elsewhere;
    const template = encodeTlv(
      TAG.DYNAMIC_AUTH,
      encodeTlv(TAG.AUTH_RESPONSE),
      encodeTlv(TAG.AUTH_CHALLENGE, digest),
    );
    const response = await transceive(
      this.channel,
      command(0x00, INS.GENERAL_AUTHENTICATE, ALG_ECC_P256, SLOT_KEY_REF[slot], template, 256),
    );
    if (!response.ok) return response;
    const status = checkStatus(response.value.sw);
    if (!status.ok) return status;
    const inner = decodeSingle(response.value.data, TAG.DYNAMIC_AUTH);
    if (!inner.ok) return inner;
    const signature = findTlv(inner.value, TAG.AUTH_RESPONSE);
    if (!signature.ok) return signature;
    if (!signature.value || signature.value.length === 0) {
      return err({
        code: 'malformed',
        detail: 'GENERAL AUTHENTICATE answered without a signature (82)',
      });
    }
    return ok(signature.value);
  }

  /** The operation run where the card is, when the channel can; undefined to run it here. */
  private elsewhere<O extends PivOperation>(
    operation: O,
    onStep?: (step: UnblockStep) => void,
  ): Promise<PivOutcomes[O['op']]> | undefined {
    return this.channel.runPiv?.(operation, this.options, onStep);
  }

  /** GET DATA for an object, unwrapping the 53 container. */
  private async getData(object: number): Promise<CardResult<Uint8Array>> {
    const response = await transceive(this.channel, getDataCommand(object));
    if (!response.ok) return response;
    const status = checkStatus(response.value.sw);
    if (!status.ok) return status;
    return decodeSingle(response.value.data, TAG.DATA);
  }

  /** Sends a command carrying a passcode or PUK, whose only answer is a status word. */
  private async run(apdu: CommandApdu, reference: SecretReference): Promise<CardResult<void>> {
    const response = await transceive(this.channel, apdu);
    apdu.data.fill(0);
    if (!response.ok) return response;
    return checkStatus(response.value.sw, reference);
  }

  /**
   * Fails with `passcode-blocked` when the card says so, `last-try` when no more than `keep` tries
   * are left, or with the error that stopped the check.
   */
  private async refuseIfBlocked(keep = 0): Promise<CardResult<void>> {
    const status = await this.passcodeStatus();
    if (!status.ok) return status;
    if (!status.value.blocked && status.value.triesLeft <= keep) {
      const error: CardError = {
        code: 'last-try',
        triesLeft: status.value.triesLeft,
        detail: 'not sent: one try left, not agreed to spend',
      };
      return err(error);
    }
    if (status.value.blocked) {
      const error: CardError = {
        code: 'passcode-blocked',
        triesLeft: 0,
        detail: 'not sent: the card is blocked',
      };
      return err(error);
    }
    return ok(undefined);
  }

  /** Two padded references one after the other, as CHANGE REFERENCE DATA and RESET RETRY COUNTER take them. */
  private pair(
    first: string,
    firstWhat: 'passcode' | 'PUK',
    second: string,
    secondWhat: 'passcode' | 'PUK',
  ): CardResult<Uint8Array> {
    const a = padReference(first, firstWhat);
    if (!a.ok) return a;
    const b = padReference(second, secondWhat);
    if (!b.ok) return b;
    const both = concatBytes(a.value, b.value);
    a.value.fill(0);
    b.value.fill(0);
    return ok(both);
  }
}

/** Zeroes padded secrets that the operation sent elsewhere did not need here. */
function wiped<T>(padded: Uint8Array, outcome: Promise<T>): Promise<T> {
  padded.fill(0);
  return outcome;
}

/** `wrong-data` before anything is sent when one of the unblock's secrets cannot be sent. */
function refuseUnblock(request: UnblockRequest): UnblockOutcome | undefined {
  const { puk, unconfirmedPuk, nextPuk, passcode } = request;
  const checks = [
    padReference(puk, 'PUK'),
    padReference(nextPuk, 'PUK'),
    padReference(unconfirmedPuk ?? puk, 'PUK'),
    padReference(passcode, 'passcode'),
  ];
  for (const check of checks) {
    if (!check.ok) return { done: 'nothing', error: check.error };
    check.value.fill(0);
  }
  return undefined;
}

/** The unblock over any PivCard, one command after another, stopping at the first that fails. */
export async function unblockSequence(
  card: PivCard,
  request: UnblockRequest,
  onStep?: (step: UnblockStep) => void,
): Promise<UnblockOutcome> {
  const refused = refuseUnblock(request);
  if (refused !== undefined) return refused;
  let rotated = await card.changePuk(request.puk, request.nextPuk);
  if (!rotated.ok && rotated.error.code === 'puk-wrong' && request.unconfirmedPuk !== null) {
    // A previous rotation may have reached the card without its confirmation reaching the server.
    rotated = await card.changePuk(request.unconfirmedPuk, request.nextPuk);
  }
  if (!rotated.ok) return { done: 'nothing', error: rotated.error };
  onStep?.('puk-rotated');
  const reset = await card.resetRetryCounter(request.nextPuk, request.passcode);
  if (!reset.ok) return { done: 'puk-rotated', error: reset.error };
  onStep?.('passcode-reset');
  const verified = await card.verifyPasscode(request.passcode);
  if (!verified.ok) return { done: 'passcode-reset', error: verified.error };
  return { done: 'verified' };
}

/** What `identify` does on any card: SELECT, the card identifier, the passcode's state. */
export async function identifySequence(card: PivCard): Promise<CardResult<CardIdentity>> {
  const selected = await card.select();
  if (!selected.ok) return selected;
  const cardId = await card.readCardId();
  if (!cardId.ok) return cardId;
  const status = await card.passcodeStatus();
  if (!status.ok) return status;
  return ok({ cardId: cardId.value, ...status.value });
}

/** Runs an operation on a card in this thread: what a channel's `runPiv` does where the card is. */
export function performPivOperation<O extends PivOperation>(
  card: PivUnlockCard,
  operation: O,
  onStep?: (step: UnblockStep) => void,
): Promise<PivOutcomes[O['op']]> {
  const op: PivOperation = operation;
  type Outcome = Promise<PivOutcomes[O['op']]>;
  switch (op.op) {
    case 'select':
      return card.select() as Outcome;
    case 'identify':
      return card.identify() as Outcome;
    case 'readCardId':
      return card.readCardId() as Outcome;
    case 'readCertificate':
      return card.readCertificate(op.slot) as Outcome;
    case 'passcodeStatus':
      return card.passcodeStatus() as Outcome;
    case 'verifyPasscode':
      return card.verifyPasscode(op.passcode) as Outcome;
    case 'changePasscode':
      return card.changePasscode(op.current, op.next, op.spendLastTry) as Outcome;
    case 'changePuk':
      return card.changePuk(op.current, op.next) as Outcome;
    case 'resetRetryCounter':
      return card.resetRetryCounter(op.puk, op.newPasscode) as Outcome;
    case 'sign':
      return card.sign(op.slot, op.digest) as Outcome;
    case 'unblock':
      return card.unblock(op, onStep) as Outcome;
  }
}
