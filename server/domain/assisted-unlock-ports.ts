import type { Result } from '../../src/shared/result';
import type { Operator } from './admin-actor';
import type { OperatorCall } from './desk/desk-ports';

/**
 * The service desk's side of the assisted unlock (docs/decisions/0025-assisted-unlock.md): the
 * console and the admin CLI find the attempt a caller's reference names and approve it.
 */

/** Why the desk cannot approve, as a stable code; each comes with the sentence the operator reads. */
export type AssistedRefusalCode =
  | 'ASSISTED_UNLOCK_OFF'
  | 'OPERATOR_INVALID'
  | 'REASON_INVALID'
  | 'TOO_MANY_MISSES'
  | 'REFERENCE_MALFORMED'
  | 'REFERENCE_UNKNOWN'
  | 'REFERENCE_EXPIRED'
  | 'REFERENCE_USED'
  | 'ATTEMPT_ENDED'
  | 'SELF_SERVICE_FROZEN'
  | 'PUK_RELEASE_LIMIT';

/** A refusal as a value: its code, and what the operator reads and does next. */
export interface AssistedRefusal {
  readonly code: AssistedRefusalCode;
  readonly message: string;
}

/** The attempt a reference names, for the desk to check the caller against before approving. */
export interface AssistedUnlockFound {
  /** The reference in its shown form, `4KF-92Q`. */
  readonly reference: string;
  readonly attemptId: string;
  readonly cardId: string;
  readonly holderName: string;
  /** When the holder started the attempt. */
  readonly startedAt: string;
  /** Until when the reference can be approved. */
  readonly referenceExpiresAt: string;
  /** Self-service is locked (wrong answers or codes): the approval lets this attempt past it. */
  readonly selfServiceLocked: boolean;
}

/** An approval done: the attempt goes on to the new passcode by itself. */
export interface AssistedUnlockApproved extends AssistedUnlockFound {
  readonly approvedAt: string;
  /** The operator as the audit trail names them (`console:alice`, `admin:bob`). */
  readonly approvedBy: string;
}

/** What the desk sends: the reference the caller read out, who approves, and why. */
export interface AssistedUnlockRequest extends OperatorCall {
  readonly reference: string;
}

/** A lookup by the desk: the reference, and who looks (a reference naming nothing is audited). */
export interface AssistedUnlockLookup {
  readonly reference: string;
  readonly operator: Operator;
}

/** The assisted unlock as the console and the admin CLI call it. */
export interface AssistedUnlockDesk {
  /** The attempt a reference names, or why it cannot be approved; changes nothing. */
  find(lookup: AssistedUnlockLookup): Promise<Result<AssistedUnlockFound, AssistedRefusal>>;
  /** Approves the attempt a reference names, once; audited as `unlock.desk-approval`. */
  approve(request: AssistedUnlockRequest): Promise<Result<AssistedUnlockApproved, AssistedRefusal>>;
}
