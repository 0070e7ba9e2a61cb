import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AssistedRefusal, AssistedUnlockFound } from '../domain/assisted-unlock-ports';
import type { Operator as AuditOperator } from '../domain/admin-actor';
import { operatorReasonSchema, OPERATOR_REASON_MAX_LENGTH } from '../domain/desk/holder-actions';
import type { ServerCore } from '../domain/ports';
import { requestIdOf } from '../http/http-failures';
import { normaliseReference } from '../security/assisted-reference';
import {
  APPROVALS,
  approvedBody,
  confirmBody,
  referenceForm,
  type ApprovalSent,
} from './approval-views';
import { requireRole, sendPage, signedIn } from './console-page';
import { errorSummary, successBanner, type FieldError } from './form-parts';
import { html } from './html';

/**
 * The desk's approval of an assisted unlock (issue 20, item 4; docs/decisions/0025): the reference
 * a caller reads out, whose unlock it names, and the approval, through the same domain functions as
 * `admin approve`, audited with the signed-in operator.
 */

const TITLE = 'Approve an assisted unlock';

/** What the page says while the assisted unlock is off on this server. */
const OFF = html`<div class="nhsuk-inset-text">
  <span class="nhsuk-u-visually-hidden">Information: </span>
  <p>
    The assisted unlock is turned off on this server (security.assisted.enabled): callers cannot be
    helped this way. Clear their lockout on their card’s page instead, or unlock the card in person.
  </p>
</div>`;

/** A field sent twice (an array), or not at all, is as good as empty: the form says what is missing. */
const field = z.string().max(2000).catch('');

/** What the reference and approval forms send, as text. */
const approvalFormSchema = z.object({
  reference: field,
  reason: field,
  identityChecked: field,
});

/** A reference as typed: any case, spaces and the hyphen anywhere; answered in its shown form. */
const referenceSchema = z
  .string()
  .trim()
  .min(1, 'Enter the reference the caller reads from their screen')
  .transform((typed, ctx) => {
    const reference = normaliseReference(typed);
    if (reference !== undefined) return reference;
    ctx.addIssue({
      code: 'custom',
      message:
        'Enter the reference as 6 letters and digits, like 4KF-92Q (it never has a 0, O, 1, I or L)',
    });
    return z.NEVER;
  });

/** The approval form's problems, each against its field. */
function approvalErrors(sent: ApprovalSent): FieldError[] {
  const errors: FieldError[] = [];
  if (!sent.identityChecked) {
    errors.push({
      id: 'identity-checked',
      text: 'Confirm you have checked the caller’s identity before you approve the unlock',
    });
  }
  if (!operatorReasonSchema.safeParse(sent.reason).success) {
    const text =
      sent.reason.trim() === ''
        ? 'Enter a reason for approving the unlock'
        : sent.reason.length > OPERATOR_REASON_MAX_LENGTH
          ? `Reason must be ${OPERATOR_REASON_MAX_LENGTH} characters or fewer`
          : 'Reason must be one line, without control characters';
    errors.push({ id: 'reason', text });
  }
  return errors;
}

/** The status a refusal's page answers with: too many misses is a limit, the rest a conflict. */
const refusalStatus = (refusal: AssistedRefusal): number =>
  refusal.code === 'TOO_MANY_MISSES' ? 429 : 409;

/** The signed-in operator as the domain writes them to the audit trail (`console:<username>`). */
function operatorOf(req: Request, res: Response): AuditOperator {
  const { operator } = signedIn(res);
  const name = operator.id.replace(/^console:/, '');
  return { via: 'console', name, requestId: requestIdOf(req) };
}

/** The desk's approval pages, for desk operators (and RA managers). */
export function approvalPages(
  core: Pick<ServerCore, 'assistedUnlock' | 'holders' | 'verification'>,
): Router {
  const router = Router();

  /** The reference page, fresh or with what was typed and why it named nothing to approve. */
  function referencePage(res: Response, status: number, typed?: string, error?: string): void {
    const off = !core.verification.assistedUnlock;
    sendPage(res, {
      status,
      title: TITLE,
      hasErrors: error !== undefined,
      beforeHeading: errorSummary(error === undefined ? [] : [{ id: 'reference', text: error }]),
      body: html`${off && OFF}
      ${referenceForm({
        csrfToken: signedIn(res).csrfToken,
        steps: error === undefined,
        ...(typed === undefined ? {} : { typed: typed.slice(0, 40) }),
        error,
      })}`,
    });
  }

  /** Whose unlock it is and the approval form, with the form's errors when it came back. */
  async function confirmPage(
    res: Response,
    found: AssistedUnlockFound,
    sent?: ApprovalSent,
    errors: readonly FieldError[] = [],
  ): Promise<void> {
    const card = await core.holders.cardPage(found.cardId);
    sendPage(res, {
      status: errors.length > 0 ? 400 : 200,
      title: 'Check whose unlock this is',
      backLink: { href: APPROVALS, text: 'Type another reference' },
      hasErrors: errors.length > 0,
      beforeHeading: errorSummary(errors),
      body: confirmBody({
        found,
        site: card.ok ? card.value.site : null,
        csrfToken: signedIn(res).csrfToken,
        ...(sent === undefined ? {} : { sent }),
        errors,
      }),
    });
  }

  router.get('/approvals', requireRole('desk'), (_req, res) => referencePage(res, 200));

  router.post('/approvals', requireRole('desk'), async (req, res) => {
    const form = approvalFormSchema.parse(req.body ?? {});
    const reference = referenceSchema.safeParse(form.reference);
    if (!reference.success) {
      return referencePage(res, 400, form.reference, reference.error.issues[0]?.message);
    }
    const found = await core.assistedUnlock.find({
      reference: reference.data,
      operator: operatorOf(req, res),
    });
    if (!found.ok) {
      return referencePage(res, refusalStatus(found.error), form.reference, found.error.message);
    }
    await confirmPage(res, found.value);
  });

  router.post('/approvals/approve', requireRole('desk'), async (req, res) => {
    const form = approvalFormSchema.parse(req.body ?? {});
    const reference = referenceSchema.safeParse(form.reference);
    if (!reference.success) {
      return referencePage(res, 400, form.reference, reference.error.issues[0]?.message);
    }
    const operator = operatorOf(req, res);
    const sent = { identityChecked: form.identityChecked === 'yes', reason: form.reason };
    const errors = approvalErrors(sent);
    if (errors.length > 0) {
      const found = await core.assistedUnlock.find({ reference: reference.data, operator });
      if (!found.ok) {
        return referencePage(res, refusalStatus(found.error), form.reference, found.error.message);
      }
      return confirmPage(res, found.value, sent, errors);
    }
    const approved = await core.assistedUnlock.approve({
      reference: reference.data,
      operator,
      reason: form.reason,
    });
    if (!approved.ok) {
      const { error } = approved;
      return referencePage(res, refusalStatus(error), form.reference, error.message);
    }
    sendPage(res, {
      title: TITLE,
      beforeHeading: successBanner(
        'Unlock approved — the holder’s app will move on by itself',
        `${approved.value.holderName}’s Smartcard Unlock screen goes on to “Set a new passcode” within a few seconds. Stay on the line until they see it.`,
      ),
      body: approvedBody(approved.value, signedIn(res).csrfToken),
    });
  });

  return router;
}
