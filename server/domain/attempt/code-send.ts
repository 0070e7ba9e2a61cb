import { err, ok } from '../../../src/shared/result';
import type { CodeDelivery } from '../../../src/shared/http-api';
import { generateCode } from '../../security/secrets';
import type { DomainDeps } from '../deps';
import { selfServiceRefusal } from '../card-lock';
import { holderContacts, maskedContact } from '../delivery-channel';
import type { HolderMessage, Recipient } from '../delivery-port';
import type { DomainError, DomainResult, RequestContext } from '../ports';
import { audit, refuse } from '../refusal';
import type { AttemptKind, AttemptRecord, CardRecord } from '../repository-ports';
import { isoAfter } from '../time';

/**
 * Sends a fresh code for an answered attempt to `to` (by default where the last code went), send
 * reserved first (limit and spacing in the database). One certainly not sent gives back the send
 * and the code before it; one unknown keeps both, since the code may still arrive.
 */
export async function sendCode(
  deps: DomainDeps,
  ctx: RequestContext,
  attempt: AttemptRecord,
  card: CardRecord,
  to: Recipient | undefined = codeRecipient(deps, attempt, card),
): Promise<DomainResult<CodeDelivery>> {
  const { code: rules } = deps.policy;
  const { attempts } = deps.repos;
  const now = deps.now();
  const nowIso = now.toISOString();
  const base = {
    cardId: card.cardId,
    attemptId: attempt.attemptId,
    action: `${attempt.kind}.code-send`,
  };
  // A locked or frozen card gets no more codes (an attempt kept for the desk stays in its state).
  const locked = attempt.kind === 'unlock' ? selfServiceRefusal(deps.policy, card) : undefined;
  if (locked !== undefined) return refuse(deps, ctx, base, locked);
  const recipient = to;
  if (recipient === undefined) {
    // No address on any channel the settings allow: nothing is reserved, nothing is spent.
    deps.logger.warn(
      { attemptId: attempt.attemptId, channels: deps.channels.join(',') },
      'the holder has no address on any channel in delivery.channels',
    );
    return refuse(deps, ctx, { ...base, detail: 'channel=none' }, 'NO_CONTACT');
  }
  const reserved = await attempts.reserveSend(
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
  const expiresAt = isoAfter(now, rules.validSeconds);
  const stored = await attempts.storeCode(
    attempt.attemptId,
    reserved,
    codeHash,
    expiresAt,
    recipient.channel,
  );
  if (!stored) {
    // Cancelled or ended between the reservation and now: nothing to send.
    return refuse(deps, ctx, base, 'ATTEMPT_STATE');
  }
  const outcome = await deps.delivery.send({
    ...recipient,
    purpose: attempt.kind === 'unlock' ? 'unlock-code' : 'registration-code',
    holderName: card.holderName,
    code,
    validMinutes: Math.round(rules.validSeconds / 60),
    reference: ctx.requestId,
  });
  // Email is today's channel: its audit detail stays as it was; another channel is named.
  const via = recipient.channel === 'email' ? '' : `;channel=${recipient.channel}`;
  if (outcome === 'not-sent') {
    await attempts.undoSend(attempt.attemptId, reserved, nowIso, codeHash);
    return refuse(
      deps,
      ctx,
      via === '' ? base : { ...base, detail: via.slice(1) },
      recipient.channel === 'email' ? 'MAIL_UNAVAILABLE' : 'TEXT_UNAVAILABLE',
    );
  }
  await audit(deps, ctx, {
    ...base,
    outcome: 'ok',
    detail: `send=${reserved}${via}${outcome === 'sent' ? '' : ';mail=unconfirmed'}`,
  });
  return ok({
    ...deliveryOf(deps, recipient, reserved, now),
    ...(outcome === 'unknown' ? { delayed: true } : {}),
  });
}

/** What the holder is told of a code sent to `recipient` at `sentAt`, the `sends`th of the attempt. */
function deliveryOf(
  deps: DomainDeps,
  recipient: Recipient,
  sends: number,
  sentAt: Date,
): CodeDelivery {
  const { code: rules } = deps.policy;
  return {
    ...maskedContact(recipient),
    codeLength: rules.length,
    resendAvailableAt: isoAfter(sentAt, rules.resendIntervalSeconds),
    sendsLeft: rules.maxSendsPerAttempt - sends,
  };
}

/**
 * The delivery of the code an answered attempt already has, told again to a holder whose answer
 * was lost on the way; undefined when no code is stored (nothing was sent).
 */
export function storedDelivery(
  deps: DomainDeps,
  attempt: AttemptRecord,
  card: CardRecord,
): CodeDelivery | undefined {
  const recipient = codeRecipient(deps, attempt, card);
  if (attempt.codeHash === null || attempt.lastSentAt === null || recipient === undefined) {
    return undefined;
  }
  return deliveryOf(deps, recipient, attempt.sends, new Date(attempt.lastSentAt));
}

/**
 * Where a code goes unless the holder chose: a registration's confirms the email address, so it
 * goes there; an unlock's goes where the last one went, or to the holder's first contact.
 */
function codeRecipient(
  deps: DomainDeps,
  attempt: AttemptRecord,
  card: CardRecord,
): Recipient | undefined {
  if (attempt.kind === 'register') {
    return card.email === null ? undefined : { channel: 'email', to: card.email };
  }
  const contacts = holderContacts(deps.channels, card);
  return contacts.find((c) => c.channel === attempt.codeChannel) ?? contacts[0];
}

/**
 * Sends a courtesy notice (unlocked, registered) without making the holder's request wait for it:
 * the step is done whatever becomes of the mail, and a failure is only logged. Even building the
 * message waits for the next turn of the event loop, by when a SQLite step's answer has gone.
 */
export function sendNotice(deps: DomainDeps, attemptId: string, message: HolderMessage): void {
  setImmediate(() => {
    void deps.delivery.send(message).then((outcome) => {
      if (outcome === 'not-sent') {
        deps.logger.warn(
          { attemptId, purpose: message.purpose, channel: message.channel },
          'a notice could not be sent',
        );
      }
    });
  });
}

/** Explains a refused send from the attempt as it is now. */
async function whyNoSend(
  deps: DomainDeps,
  attemptId: string,
  kind: AttemptKind,
  now: Date,
): Promise<DomainError> {
  const current = await deps.repos.attempts.find(attemptId, kind);
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
