import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { identifySequence, unblockSequence } from '../../src/main/card/piv-client';
import type {
  CardError,
  CardResult,
  PivKeySlot,
  PivUnlockCard,
  UnblockRequest,
  UnblockStep,
} from '../../src/main/card/types';
import { selfSignedCertificate } from '../../src/main/card/virtual/certificate';
import { privateScalar, signDigest } from '../../src/main/card/virtual/ecdsa-p256';
import { err, ok } from '../../src/shared/result';

type Command =
  | 'select'
  | 'readCardId'
  | 'readCertificate'
  | 'passcodeStatus'
  | 'verifyPasscode'
  | 'changePasscode'
  | 'changePuk'
  | 'resetRetryCounter'
  | 'sign';

/** A slot's key pair and certificate, made once per slot (P-256 key generation is the slow part). */
interface SlotKey {
  readonly privateKey: KeyObject;
  readonly certificate: Uint8Array;
}

/** A new P-256 key and its self-signed certificate, as a card's slot holds them. */
export function makeSlotKey(commonName = 'Fake PIV card'): SlotKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2036-01-01T00:00:00Z');
  const certificate = selfSignedCertificate({
    privateKey,
    publicKey,
    commonName,
    notBefore,
    notAfter,
  });
  return { privateKey, certificate };
}

/**
 * A small in-test PIV card for the runner's unit tests: the PIV rules the flows rely on (tries,
 * blocking, PUK change and reset) and nothing else. It signs for real with its own keys (`keys`,
 * shared to make a copy of a card) and records each digest it signed.
 */
export class FakePivCard implements PivUnlockCard {
  pin: string;
  puk: string;
  pinTries: number;
  pukTries: number;
  present = true;
  readonly commands: Command[] = [];
  readonly signed: { slot: PivKeySlot; digest: Uint8Array }[] = [];
  private verified = false;
  /** Runs before each command: a test removes the card at a chosen point. */
  beforeCommand: (command: Command) => void = () => undefined;

  /** The card's keys by slot: another card given the same ones is the same card to a verifier. */
  readonly keys: Readonly<Record<PivKeySlot, SlotKey>>;

  constructor(
    readonly cardId: string,
    options: {
      pin: string;
      puk: string;
      pinTries?: number;
      pukTries?: number;
      keys?: Readonly<Record<PivKeySlot, SlotKey>>;
    },
  ) {
    this.keys = options.keys ?? { '9A': makeSlotKey(), '9E': makeSlotKey() };
    this.pin = options.pin;
    this.puk = options.puk;
    this.pinTries = options.pinTries ?? 3;
    this.pukTries = options.pukTries ?? 3;
  }

  private run<T>(command: Command, body: () => CardResult<T>): Promise<CardResult<T>> {
    this.commands.push(command);
    this.beforeCommand(command);
    if (!this.present) return Promise.resolve(err({ code: 'card-removed' } satisfies CardError));
    return Promise.resolve(body());
  }

  private wrong(code: 'passcode-wrong' | 'puk-wrong', tries: number): CardResult<never> {
    return err({ code, triesLeft: tries, statusWord: 0x63c0 + tries });
  }

  select() {
    return this.run('select', () => ok(undefined));
  }
  readCardId() {
    return this.run('readCardId', () => ok(this.cardId));
  }
  readCertificate(slot: PivKeySlot) {
    return this.run('readCertificate', () => ok(this.keys[slot].certificate));
  }
  passcodeStatus() {
    return this.run('passcodeStatus', () =>
      ok({ blocked: this.pinTries === 0, triesLeft: this.pinTries }),
    );
  }
  verifyPasscode(passcode: string) {
    return this.run('verifyPasscode', (): CardResult<void> => {
      if (this.pinTries === 0) return err({ code: 'passcode-blocked', statusWord: 0x6983 });
      if (passcode !== this.pin) {
        this.pinTries -= 1;
        this.verified = false;
        return this.pinTries === 0
          ? err({ code: 'passcode-blocked', statusWord: 0x6983 })
          : this.wrong('passcode-wrong', this.pinTries);
      }
      this.pinTries = 3;
      this.verified = true;
      return ok(undefined);
    });
  }
  changePasscode(current: string, next: string, spendLastTry = true) {
    return this.run('changePasscode', (): CardResult<void> => {
      if (this.pinTries === 0) return err({ code: 'passcode-blocked', statusWord: 0x6983 });
      if (this.pinTries === 1 && !spendLastTry) return err({ code: 'last-try', triesLeft: 1 });
      if (next.length < 4 || next.length > 8)
        return err({ code: 'wrong-data', statusWord: 0x6a80 });
      if (current !== this.pin) {
        this.pinTries -= 1;
        return this.pinTries === 0
          ? err({ code: 'passcode-blocked', triesLeft: 0, statusWord: 0x63c0 })
          : this.wrong('passcode-wrong', this.pinTries);
      }
      this.pin = next;
      this.pinTries = 3;
      this.verified = true;
      return ok(undefined);
    });
  }
  changePuk(current: string, next: string) {
    return this.run('changePuk', (): CardResult<void> => {
      if (this.pukTries === 0) return err({ code: 'puk-blocked', statusWord: 0x6983 });
      if (current !== this.puk) return this.wrong('puk-wrong', --this.pukTries);
      this.pukTries = 3;
      this.puk = next;
      return ok(undefined);
    });
  }
  resetRetryCounter(puk: string, newPasscode: string) {
    return this.run('resetRetryCounter', (): CardResult<void> => {
      if (this.pukTries === 0) return err({ code: 'puk-blocked', statusWord: 0x6983 });
      if (puk !== this.puk) return this.wrong('puk-wrong', --this.pukTries);
      if (newPasscode.length < 4 || newPasscode.length > 8) {
        return err({ code: 'wrong-data', statusWord: 0x6a80 });
      }
      this.pukTries = 3;
      this.pin = newPasscode;
      this.pinTries = 3;
      return ok(undefined);
    });
  }
  /** The card layer's own sequence over the commands above, so each is recorded. */
  identify() {
    return identifySequence(this);
  }
  /** The card layer's own sequence over the commands above, so each is recorded. */
  unblock(request: UnblockRequest, onStep?: (step: UnblockStep) => void) {
    return unblockSequence(this, request, onStep);
  }
  sign(slot: PivKeySlot, digest: Uint8Array) {
    return this.run('sign', (): CardResult<Uint8Array> => {
      if (slot === '9A' && !this.verified)
        return err({ code: 'security-status', statusWord: 0x6982 });
      this.signed.push({ slot, digest });
      return ok(signDigest(privateScalar(this.keys[slot].privateKey), digest));
    });
  }
}
