import type { AssistedRefusal } from './assisted-unlock-ports';
import type { AttemptRecord } from './repository-ports';

// What the desk reads when an approval cannot be made: the operator's words, beside the code
// that checks them, as the admin tool's are (docs/architecture.md, "One source for wording").

/** Hours and minutes in the UK's time, as the desk's clock shows them. */
const UK_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
});

/** A stored time as the desk reads it: "10:42 (UK time)". */
const clock = (iso: string): string => `${UK_CLOCK.format(new Date(iso))} (UK time)`;

/** Typed text as a refusal quotes it: at most 20 characters, so a paste cannot flood a page. */
const quoted = (typed: string): string => (typed.length > 20 ? `${typed.slice(0, 20)}…` : typed);

/** Why an attempt can no longer be approved, as the desk reads it; undefined while it can. */
export function whyEnded(attempt: AttemptRecord, now: string): string | undefined {
  if (attempt.state === 'ended') {
    const reason = attempt.endReason ?? '';
    if (reason === 'cancelled') return 'the caller cancelled it';
    if (reason === 'expired') return 'it timed out';
    if (reason === 'superseded') return 'the caller started again';
    if (reason === 'outcome-unlocked') return 'the card was unlocked';
    if (reason.startsWith('outcome-')) return 'the unlock ended on the card';
    if (reason === 'self-service-frozen') return 'self-service was frozen for the card';
    return `it ended: ${reason}`;
  }
  if (attempt.expiresAt <= now) return 'it timed out';
  if (attempt.state !== 'proved' && attempt.state !== 'answered') {
    return 'the caller went on with their Smartcard Unlock Code';
  }
  return undefined;
}

/** Each refusal of the desk's approval with its sentence. */
export const deskRefusal = {
  off: (): AssistedRefusal => ({
    code: 'ASSISTED_UNLOCK_OFF',
    message:
      'The assisted unlock is turned off on this server (security.assisted.enabled): the caller cannot be helped this way.',
  }),
  operator: (): AssistedRefusal => ({
    code: 'OPERATOR_INVALID',
    message: 'The operator is not named: the audit trail needs one line of at most 100 characters.',
  }),
  reason: (): AssistedRefusal => ({
    code: 'REASON_INVALID',
    message:
      'Give the reason for the audit trail: one line of at most 200 characters (the console asks for one).',
  }),
  misses: (max: number, seconds: number): AssistedRefusal => ({
    code: 'TOO_MANY_MISSES',
    message: `${max} references you typed in the last ${Math.round(seconds / 60)} minutes named no unlock waiting for the desk. Wait, then check each reference with the caller before you type it.`,
  }),
  malformed: (typed: string): AssistedRefusal => ({
    code: 'REFERENCE_MALFORMED',
    message: `"${quoted(typed)}" is not a reference: a reference is six letters and digits, such as 4KF-92Q, and never has a 0, O, 1, I or L. Ask the caller to read it again.`,
  }),
  unknown: (reference: string): AssistedRefusal => ({
    code: 'REFERENCE_UNKNOWN',
    message: `No unlock is waiting under the reference ${reference}. Ask the caller to read the reference on their screen again: when they ask for a new one, only the newest works.`,
  }),
  used: (reference: string, at: string, by: string | null): AssistedRefusal => ({
    code: 'REFERENCE_USED',
    message: `The reference ${reference} was approved already, at ${clock(at)}${by === null ? '' : ` by ${by}`}. A reference is approved once.`,
  }),
  ended: (reference: string, why: string): AssistedRefusal => ({
    code: 'ATTEMPT_ENDED',
    message: `The caller's unlock under the reference ${reference} cannot be approved any more (${why}). Ask them to start again and ask for a new reference.`,
  }),
  expired: (reference: string, at: string): AssistedRefusal => ({
    code: 'REFERENCE_EXPIRED',
    message: `The reference ${reference} expired at ${clock(at)}. Ask the caller to press "Get a new reference" and read you the new one.`,
  }),
  frozen: (): AssistedRefusal => ({
    code: 'SELF_SERVICE_FROZEN',
    message:
      'Self-service unlock is frozen for this card: its holder reported an unlock that was not them. Check with the holder as your procedure says. Once the freeze is lifted, they start again and ask for a new reference.',
  }),
  capped: (releases: number): AssistedRefusal => ({
    code: 'PUK_RELEASE_LIMIT',
    message: `This card has been unlocked ${releases} times today, the most a day allows. It can be unlocked again tomorrow.`,
  }),
};
