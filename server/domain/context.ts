import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Kysely } from 'kysely';
import { err, ok } from '../../src/shared/result';
import type { ErrorCode } from '../../src/shared/errors';
import type { CodeDelivery } from '../../src/shared/http-api';
import type { Mailer, OutgoingMail } from '../mail/mailer';
import type { AnswerHasher } from '../security/answer-hasher';
import type { KeyRing } from '../security/key-ring';
import { type CodeHasher, generateCode } from '../security/secrets';
import { type CardRecord, type SealedSecret, recordFailure } from '../storage/card-repository';
import {
  type AttemptKind,
  type AttemptRecord,
  endAttempt,
  findAttempt,
  recordWrongCode,
  reserveSend,
  storeCode,
  undoSend,
} from '../storage/attempt-repository';
import { appendAudit } from '../storage/audit-repository';
import type { Database } from '../storage/schema';
import { maskEmail } from './mask-email';
import type { SecurityPolicy } from './policy';
import type {
  DomainError,
  DomainEvents,
  DomainLogger,
  DomainResult,
  RequestContext,
} from './ports';
import { registrationCodeMail, unlockCodeMail } from '../mail/templates';
import type { HelpContacts } from '../../src/shared/help';

/** What every domain service works with; built once by createServices. */
export interface DomainDeps {
  readonly db: Kysely<Database>;
  readonly policy: SecurityPolicy;
  readonly keyRing: KeyRing;
  readonly answerHasher: AnswerHasher;
  readonly codeHasher: CodeHasher;
  readonly mailer: Mailer;
  /** The desk every email names (the `help` setting). */
  readonly help: HelpContacts;
  readonly now: () => Date;
  readonly logger: DomainLogger;
  /** Counters for monitoring: a no-op unless the server connects its metrics. */
  readonly events: DomainEvents;
  /** When each address was last audited for naming an unknown attempt (this instance only). */
  readonly unknownAttemptAudits: SourceThrottle;
}

/**
 * Lets a repeated event through at most once per interval and source, counting the ones held
 * back. Bounded memory: past `maxSources`, the source let through longest ago is forgotten.
 */
export class SourceThrottle {
  readonly #seen = new Map<string, { readonly at: number; skipped: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxSources: number,
  ) {}

  /** Undefined to hold this one back; otherwise how many were held back since the last one. */
  admit(source: string, nowMs: number): number | undefined {
    const seen = this.#seen.get(source);
    if (seen !== undefined && nowMs >= seen.at && nowMs - seen.at < this.intervalMs) {
      seen.skipped += 1;
      return undefined;
    }
    // The map is in the order sources were let through, oldest first: forget those whose
    // interval is over (or lies in the future, after the clock went back).
    for (const [key, entry] of this.#seen) {
      if (nowMs >= entry.at && nowMs - entry.at < this.intervalMs) break;
      this.#seen.delete(key);
    }
    // Full of sources still inside their interval: a new one is held back too, so any number
    // of addresses together pass at most `maxSources` an interval.
    if (!this.#seen.has(source) && this.#seen.size >= this.maxSources) return undefined;
    this.#seen.delete(source);
    this.#seen.set(source, { at: nowMs, skipped: 0 });
    return seen?.skipped ?? 0;
  }

  /** How many sources are remembered (for tests of the bound). */
  get size(): number {
    return this.#seen.size;
  }
}

/**
 * The key a source address is throttled under: an IPv6 address is reduced to its /56, as the
 * per-address rate limits count it, so one host cannot escape by cycling its own addresses.
 */
export function sourceKey(address: string): string {
  const ip = address.split('%')[0] ?? address;
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  const [head = '', tail] = ip.split('::');
  const parts = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  const h = parts(head);
  const t = parts(tail);
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  const g = groups.slice(0, 4).map((x) => parseInt(x, 16) || 0);
  return `${g[0]!.toString(16)}:${g[1]!.toString(16)}:${g[2]!.toString(16)}:${(g[3]! & 0xff00).toString(16)}::/56`;
}

/** A time `seconds` after `from`, as stored. */
export const isoAfter = (from: Date, seconds: number): string =>
  new Date(from.getTime() + seconds * 1000).toISOString();

/** The UTC day of a time, for per-day caps. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** A failure as a value. */
export const fail = (code: DomainError['code'], details?: DomainError['details']) =>
  err<DomainError>(details === undefined ? { code } : { code, details });

/** One audit line about a step; outcome is `ok` or the error code. */
export async function audit(
  deps: DomainDeps,
  ctx: RequestContext | { readonly sourceAddress: string; readonly requestId: null },
  entry: {
    readonly cardId: string | null;
    readonly attemptId: string | null;
    readonly action: string;
    readonly outcome: string;
    readonly detail?: string;
  },
  /** A transaction, when the line must commit with the step it records. */
  db: DomainDeps['db'] = deps.db,
): Promise<void> {
  await appendAudit(db, {
    at: deps.now().toISOString(),
    sourceAddress: ctx.sourceAddress,
    requestId: ctx.requestId,
    ...entry,
  });
}

/** Audits a refused step under its own outcome and returns the refusal: one shape for all. */
export async function refuse(
  deps: DomainDeps,
  ctx: RequestContext,
  entry: Omit<Parameters<typeof audit>[2], 'outcome'>,
  code: ErrorCode,
  details?: DomainError['details'],
): Promise<DomainResult<never>> {
  await audit(deps, ctx, { ...entry, outcome: code });
  return fail(code, details);
}

/**
 * Loads an attempt for a step: unknown, ended and timed-out attempts become the matching error
 * (a timed-out attempt is ended on the way, so it stays ended). With `step`, a refusal is written
 * to the audit trail under that step's action, so a holder's late tries leave a trace too; an
 * unknown attempt is counted in `deps.events` and audited at most once a minute per address.
 */
export async function loadLiveAttempt(
  deps: DomainDeps,
  attemptId: string,
  kind: AttemptKind,
  step?: { readonly ctx: RequestContext; readonly action: string },
): Promise<DomainResult<AttemptRecord>> {
  const attempt = await findAttempt(deps.db, attemptId, kind);
  const refused = async (
    code: ErrorCode,
    detail?: string,
  ): Promise<DomainResult<AttemptRecord>> => {
    if (step !== undefined) {
      await audit(deps, step.ctx, {
        cardId: attempt?.cardId ?? null,
        attemptId,
        action: step.action,
        outcome: code,
        ...(detail === undefined ? {} : { detail }),
      });
    }
    return fail(code);
  };
  if (attempt === undefined) {
    if (step === undefined) return fail('ATTEMPT_NOT_FOUND');
    // Anyone can send made-up attempt ids: count each one, but audit an address at most once a
    // minute, so guessing cannot grow the audit trail faster than that.
    deps.events.unknownAttempt(step.action);
    const held = deps.unknownAttemptAudits.admit(
      sourceKey(step.ctx.sourceAddress),
      deps.now().getTime(),
    );
    if (held === undefined) return fail('ATTEMPT_NOT_FOUND');
    return refused('ATTEMPT_NOT_FOUND', held > 0 ? `unaudited=${held}` : undefined);
  }
  const now = deps.now();
  if (attempt.state === 'ended') {
    if (attempt.endReason === 'expired') return refused('ATTEMPT_EXPIRED');
    if (attempt.endReason === 'self-service-locked') return refused('SELF_SERVICE_LOCKED');
    return refused('ATTEMPT_STATE');
  }
  if (attempt.expiresAt <= now.toISOString()) {
    await endAttempt(deps.db, attemptId, 'expired', now.toISOString());
    return refused('ATTEMPT_EXPIRED');
  }
  return ok(attempt);
}

/** True when the card's failures have reached the policy's limit. */
export const isLocked = (deps: DomainDeps, card: CardRecord): boolean =>
  card.failures >= deps.policy.answers.maxWrongSubmissions;

/**
 * Sends a fresh code for an answered attempt: reserves a send (limit and spacing enforced in the
 * database), stores the code, then mails it. A mail certainly not sent gives back the send and the
 * code before it; one whose outcome is unknown keeps both, since the code may still arrive.
 */
export async function sendCode(
  deps: DomainDeps,
  ctx: RequestContext,
  attempt: AttemptRecord,
  card: CardRecord,
): Promise<DomainResult<CodeDelivery>> {
  const { code: rules } = deps.policy;
  const now = deps.now();
  const nowIso = now.toISOString();
  const action = `${attempt.kind}.code-send`;
  const base = { cardId: card.cardId, attemptId: attempt.attemptId, action };
  const reserved = await reserveSend(
    deps.db,
    attempt.attemptId,
    rules.maxSendsPerAttempt,
    isoAfter(now, -rules.resendIntervalSeconds),
    nowIso,
  );
  if (reserved === undefined) {
    const why = await whyNoSend(deps, attempt.attemptId, attempt.kind, now);
    await audit(deps, ctx, { ...base, outcome: why.code });
    return err(why);
  }
  const code = generateCode(rules.length);
  const codeHash = deps.codeHasher.hash(attempt.attemptId, code);
  if (
    !(await storeCode(
      deps.db,
      attempt.attemptId,
      reserved,
      codeHash,
      isoAfter(now, rules.validSeconds),
    ))
  ) {
    // Cancelled or ended between the reservation and now: nothing to send.
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  const minutes = Math.round(rules.validSeconds / 60);
  const content =
    attempt.kind === 'unlock'
      ? unlockCodeMail(card.holderName, code, minutes, deps.help)
      : registrationCodeMail(card.holderName, code, minutes, deps.help);
  const outcome = await deps.mailer.send({
    ...content,
    to: card.email,
    purpose: attempt.kind === 'unlock' ? 'unlock-code' : 'registration-code',
    code,
  });
  if (outcome === 'not-sent') {
    await undoSend(deps.db, attempt.attemptId, reserved, nowIso, codeHash);
    return refuse(deps, ctx, base, 'MAIL_UNAVAILABLE');
  }
  await audit(deps, ctx, {
    ...base,
    outcome: 'ok',
    detail: outcome === 'sent' ? `send=${reserved}` : `send=${reserved};mail=unconfirmed`,
  });
  return ok({
    maskedEmail: maskEmail(card.email),
    codeLength: code.length,
    resendAvailableAt: isoAfter(now, rules.resendIntervalSeconds),
    sendsLeft: rules.maxSendsPerAttempt - reserved,
    ...(outcome === 'unknown' ? { delayed: true } : {}),
  });
}

/**
 * Sends a courtesy notice (unlocked, registered) without making the holder's request wait for the
 * relay: the step is done whatever becomes of the mail, and a failure is only logged.
 */
export function sendNotice(deps: DomainDeps, attemptId: string, mail: OutgoingMail): void {
  void deps.mailer.send(mail).then((outcome) => {
    if (outcome === 'not-sent') {
      deps.logger.warn({ attemptId, purpose: mail.purpose }, 'a notice could not be sent');
    }
  });
}

/** Explains a refused send from the attempt as it is now. */
async function whyNoSend(
  deps: DomainDeps,
  attemptId: string,
  kind: AttemptKind,
  now: Date,
): Promise<DomainError> {
  const current = await findAttempt(deps.db, attemptId, kind);
  const { code: rules } = deps.policy;
  if (current === undefined) return { code: 'ATTEMPT_NOT_FOUND' };
  if (current.expiresAt <= now.toISOString()) return { code: 'ATTEMPT_EXPIRED' };
  if (current.state !== 'answered') return { code: 'ATTEMPT_STATE' };
  if (current.sends >= rules.maxSendsPerAttempt) return { code: 'RESEND_LIMIT' };
  if (current.lastSentAt !== null) {
    const wait = Math.ceil(
      (Date.parse(current.lastSentAt) + rules.resendIntervalSeconds * 1000 - now.getTime()) / 1000,
    );
    return { code: 'RESEND_TOO_SOON', details: { retryAfterSeconds: Math.max(1, wait) } };
  }
  return { code: 'ATTEMPT_STATE' };
}

/**
 * Checks a typed code against the attempt's current code. A wrong code spends one of the code's
 * tries in the database; the code's last try also counts one failure against the card when
 * `countCardFailure` is set (unlock), so guessing codes ends in the same lockout as guessing
 * answers. Returns the matching hash, to spend it.
 */
export async function checkCode(
  deps: DomainDeps,
  ctx: RequestContext,
  attempt: AttemptRecord,
  typed: string,
  countCardFailure: boolean,
): Promise<DomainResult<string>> {
  const { code: rules } = deps.policy;
  const now = deps.now();
  const action = `${attempt.kind}.code`;
  const base = { cardId: attempt.cardId, attemptId: attempt.attemptId, action };
  if (attempt.state !== 'answered' || attempt.codeHash === null) {
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  if (attempt.codeTries >= rules.triesPerCode) {
    return refuse(deps, ctx, base, 'CODE_TRIES_EXHAUSTED');
  }
  if (attempt.codeExpiresAt === null || attempt.codeExpiresAt <= now.toISOString()) {
    return refuse(deps, ctx, base, 'CODE_EXPIRED');
  }
  if (deps.codeHasher.matches(attempt.attemptId, typed, attempt.codeHash)) {
    return ok(attempt.codeHash);
  }
  const tries = await recordWrongCode(
    deps.db,
    attempt.attemptId,
    attempt.codeHash,
    rules.triesPerCode,
  );
  if (tries === undefined || tries >= rules.triesPerCode) {
    if (tries !== undefined && countCardFailure) {
      const failures = await recordFailure(
        deps.db,
        attempt.cardId,
        deps.policy.answers.maxWrongSubmissions,
        now.toISOString(),
      );
      if (failures === undefined || failures >= deps.policy.answers.maxWrongSubmissions) {
        await endAttempt(deps.db, attempt.attemptId, 'self-service-locked', now.toISOString());
        return refuse(deps, ctx, base, 'SELF_SERVICE_LOCKED');
      }
    }
    return refuse(deps, ctx, base, 'CODE_TRIES_EXHAUSTED');
  }
  const triesLeft = rules.triesPerCode - tries;
  await audit(deps, ctx, { ...base, outcome: 'CODE_WRONG', detail: `triesLeft=${triesLeft}` });
  return fail('CODE_WRONG', { triesLeft });
}

/**
 * A fingerprint of a sealed pending PUK (of the ciphertext: it reveals nothing of the PUK). The
 * attempt that released a rotation keeps it, so that only its outcome commits or drops that
 * rotation; re-sealing the PUK under another key must carry the attempt's fingerprint along.
 */
export function rotationRefOf(sealed: SealedSecret): string {
  return createHash('sha256').update(sealed.ciphertext).digest('base64url');
}
