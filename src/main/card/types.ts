import type { ErrorCode } from '../../shared/errors';
import type { Result } from '../../shared/result';

/**
 * The card layer's contracts, which everything above it depends on: `ReaderBackend` (PC/SC or the
 * mock reader) and `PivClient` over any `CardChannel`. No Electron: it runs in workers and tests.
 */

/** Why a card operation failed: a stable code, and the facts that refine it. Never a secret. */
export interface CardError {
  readonly code: CardErrorCode;
  /** Passcode or PUK tries left, when the card said so. */
  readonly triesLeft?: number;
  /** The status word the card answered, for logs and diagnostics. */
  readonly statusWord?: number;
  /** A short technical description for logs (never shown as the user message, never a secret). */
  readonly detail?: string;
}

/** Why a card operation failed, as the flows and the screens tell it apart. */
export type CardErrorCode =
  | 'service-down' // pcscd / the Smart Card service is not running
  | 'reader-missing' // no reader attached
  | 'reader-choice-needed' // several readers with cards, none configured
  | 'card-absent' // no card in the reader
  | 'card-removed' // the card was pulled during a command
  | 'not-piv' // SELECT of the PIV application failed
  | 'passcode-wrong' // 63 Cx on VERIFY (triesLeft = x)
  | 'passcode-blocked' // 69 83 on VERIFY
  | 'last-try' // not sent: one passcode try left, and the caller did not agree to spend it
  | 'puk-wrong' // 63 Cx on RESET RETRY COUNTER or CHANGE REFERENCE DATA 81
  | 'puk-blocked' // 69 83 on RESET RETRY COUNTER or CHANGE REFERENCE DATA 81
  | 'security-status' // 69 82: the command needs VERIFY first
  | 'not-found' // 6A 82: data object or key absent
  | 'wrong-data' // 6A 80 and friends: the card refused the data (e.g. a new passcode)
  | 'unsupported' // 6D 00, 6E 00, 6A 81
  | 'malformed' // bytes that do not parse
  | 'io'; // any other transport or card failure

/** The user-facing error code for a card error (the wording lives in src/shared/errors.ts). */
export const CARD_ERROR_TO_APP_ERROR: Readonly<Record<CardErrorCode, ErrorCode>> = {
  'service-down': 'CARD_SERVICE_DOWN',
  'reader-missing': 'READER_MISSING',
  'reader-choice-needed': 'READER_CHOICE_NEEDED',
  'card-absent': 'CARD_ABSENT',
  'card-removed': 'CARD_REMOVED',
  'not-piv': 'CARD_NOT_PIV',
  'passcode-wrong': 'PASSCODE_WRONG',
  'passcode-blocked': 'CARD_LOCKED',
  'last-try': 'VALIDATION_FAILED',
  'puk-wrong': 'PUK_WRONG',
  'puk-blocked': 'PUK_BLOCKED',
  'security-status': 'CARD_IO',
  'not-found': 'CARD_NOT_PIV',
  'wrong-data': 'PASSCODE_REJECTED',
  unsupported: 'CARD_NOT_PIV',
  malformed: 'CARD_IO',
  io: 'CARD_IO',
};

/** A result from the card layer. */
export type CardResult<T> = Result<T, CardError>;

/** A connection to the card in one reader: raw APDUs in, raw responses (data and SW1 SW2) out. */
export interface CardChannel {
  /** The card's Answer To Reset. */
  readonly atr: Uint8Array;
  /** Sends one command APDU and returns the response APDU including the status word. */
  transmit(command: Uint8Array): Promise<CardResult<Uint8Array>>;
  /** Ends the connection, leaving the card powered and in the reader. */
  close(): Promise<void>;
  /**
   * Present when the card is driven from another thread (the PC/SC worker): runs a whole PIV
   * operation there, so it crosses threads once rather than once per APDU. PivClient uses it.
   */
  readonly runPiv?: PivRunner;
}

/** A reader as the start screen and diagnostics show it. */
export interface ReaderInfo {
  readonly name: string;
  readonly hasCard: boolean;
  readonly atr?: Uint8Array;
}

/** What happens to readers and cards, as the backend sees it. */
export type ReaderEvent =
  | { readonly kind: 'service-down' }
  | { readonly kind: 'service-up' }
  | { readonly kind: 'readers-changed'; readonly readers: readonly ReaderInfo[] }
  | { readonly kind: 'card-inserted'; readonly reader: string; readonly atr: Uint8Array }
  | { readonly kind: 'card-removed'; readonly reader: string };

/**
 * A source of readers and cards: the PC/SC adapter (real readers, and the virtual card through
 * vpcd) or the in-process virtual card (mock reader mode). Implementations recover by themselves
 * when the card service restarts, and never block the caller's event loop.
 */
export interface ReaderBackend {
  /** The readers attached now; `service-down` when the card service is not running. */
  listReaders(): Promise<CardResult<readonly ReaderInfo[]>>;
  /** Connects (shared mode) to the card in the named reader. */
  connect(reader: string): Promise<CardResult<CardChannel>>;
  /** Subscribes to reader and card events; returns the unsubscribe function. */
  onEvent(listener: (event: ReaderEvent) => void): () => void;
  /** Stops monitoring and releases the card service. */
  close(): Promise<void>;
}

/** The PIV key slots the product uses. */
export type PivKeySlot = '9A' | '9E';

/** The passcode's state without spending a try. */
export interface PasscodeStatus {
  readonly blocked: boolean;
  readonly triesLeft: number;
}

/**
 * The PIV operations of the card profile (docs/card-protocol.md). Passcodes and PUKs are ASCII
 * strings; the client pads them to 8 bytes with 0xFF. It never sends a passcode to a blocked card.
 */
export interface PivCard {
  /** SELECT the PIV application; `not-piv` when the card has none. */
  select(): Promise<CardResult<void>>;
  /** The card identifier: the CHUID's GUID as 32 lowercase hex digits. */
  readCardId(): Promise<CardResult<string>>;
  /** The DER certificate in slot 9A (PIV Authentication) or 9E (Card Authentication). */
  readCertificate(slot: PivKeySlot): Promise<CardResult<Uint8Array>>;
  /** Passcode tries left, without spending one (VERIFY with no data). */
  passcodeStatus(): Promise<CardResult<PasscodeStatus>>;
  /** VERIFY the passcode. */
  verifyPasscode(passcode: string): Promise<CardResult<void>>;
  /**
   * CHANGE REFERENCE DATA on the passcode (80). With `spendLastTry` false, a card with one try left
   * gets nothing and the answer is `last-try`: the holder must agree to risk the lock first.
   */
  changePasscode(current: string, next: string, spendLastTry?: boolean): Promise<CardResult<void>>;
  /** CHANGE REFERENCE DATA on the PUK (81). */
  changePuk(current: string, next: string): Promise<CardResult<void>>;
  /** RESET RETRY COUNTER: unblocks the passcode with the PUK and sets a new passcode. */
  resetRetryCounter(puk: string, newPasscode: string): Promise<CardResult<void>>;
  /**
   * GENERAL AUTHENTICATE with the slot's ECC P-256 key over a 32-byte SHA-256 digest; returns the
   * DER ECDSA signature. 9A needs a verified passcode first; 9E does not.
   */
  sign(slot: PivKeySlot, digest: Uint8Array): Promise<CardResult<Uint8Array>>;
}

/** The secrets of the unlock's card commands (docs/card-protocol.md, "Unlock"). */
export interface UnblockRequest {
  /** The PUK the server believes the card holds. */
  readonly puk: string;
  /** A rotation whose outcome never reached the server: tried after `puk` is refused. */
  readonly unconfirmedPuk: string | null;
  readonly nextPuk: string;
  readonly passcode: string;
}

/** The unblock's steps, in order, as each is done. */
export type UnblockStep = 'puk-rotated' | 'passcode-reset';

/**
 * How far the unblock got: `nothing` (the PUK change failed), `puk-rotated` (the reset failed),
 * `passcode-reset` (the VERIFY of the new passcode failed), with the error that stopped it.
 */
export type UnblockOutcome =
  | { readonly done: 'verified' }
  | { readonly done: 'nothing' | UnblockStep; readonly error: CardError };

/** What every card step reads first: the card identifier and the passcode's state. */
export interface CardIdentity extends PasscodeStatus {
  readonly cardId: string;
}

/** A PIV card the flows can read and unblock, each in one operation. */
export interface PivUnlockCard extends PivCard {
  /** SELECT, the card identifier, then the passcode's state; the first error stops it. */
  identify(): Promise<CardResult<CardIdentity>>;
  /**
   * CHANGE REFERENCE DATA 81 (again with the unconfirmed PUK after `puk-wrong`), RESET RETRY
   * COUNTER with the new PUK, then VERIFY of the new passcode; `onStep` hears each step done.
   */
  unblock(request: UnblockRequest, onStep?: (step: UnblockStep) => void): Promise<UnblockOutcome>;
}

/** One PivUnlockCard call as data, for a channel that runs it where the card is. */
export type PivOperation =
  | { readonly op: 'select' }
  | { readonly op: 'identify' }
  | { readonly op: 'readCardId' }
  | { readonly op: 'readCertificate'; readonly slot: PivKeySlot }
  | { readonly op: 'passcodeStatus' }
  | { readonly op: 'verifyPasscode'; readonly passcode: string }
  | {
      readonly op: 'changePasscode';
      readonly current: string;
      readonly next: string;
      readonly spendLastTry: boolean;
    }
  | { readonly op: 'changePuk'; readonly current: string; readonly next: string }
  | { readonly op: 'resetRetryCounter'; readonly puk: string; readonly newPasscode: string }
  | { readonly op: 'sign'; readonly slot: PivKeySlot; readonly digest: Uint8Array }
  | ({ readonly op: 'unblock' } & UnblockRequest);

/** What each operation answers. */
export interface PivOutcomes {
  readonly select: CardResult<void>;
  readonly identify: CardResult<CardIdentity>;
  readonly readCardId: CardResult<string>;
  readonly readCertificate: CardResult<Uint8Array>;
  readonly passcodeStatus: CardResult<PasscodeStatus>;
  readonly verifyPasscode: CardResult<void>;
  readonly changePasscode: CardResult<void>;
  readonly changePuk: CardResult<void>;
  readonly resetRetryCounter: CardResult<void>;
  readonly sign: CardResult<Uint8Array>;
  readonly unblock: UnblockOutcome;
}

/** Runs one operation where the card is, with the PIV client's options. */
type PivRunner = <O extends PivOperation>(
  operation: O,
  options: { readonly passcodeTriesWhenVerified: number },
  onStep?: (step: UnblockStep) => void,
) => Promise<PivOutcomes[O['op']]>;
