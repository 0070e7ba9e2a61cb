import type { AssistedUnlockApproved, AssistedUnlockFound } from '../domain/assisted-unlock-ports';
import { OPERATOR_REASON_MAX_LENGTH } from '../domain/desk/holder-actions';
import { errorFor, summaryList, textInput, ukDateTime, type FieldError } from './form-parts';
import { html, type SafeHtml } from './html';
import { CONSOLE_BASE, csrfField } from './page-shell';

/**
 * The assisted unlock page's content: the reference form, the check of whose unlock it is with
 * the approval form, and what an approval did. Worded as the holder's screen words it.
 */

/** Where the reference form posts; the approval form posts to `${APPROVALS}/approve`. */
export const APPROVALS = `${CONSOLE_BASE}/approvals`;

const mono = (text: string): SafeHtml =>
  html`<span class="app-console-mono nhsuk-u-text-break-word">${text}</span>`;

/** What the desk does, in order, and why a reference that names nothing counts against them. */
function howItWorks(): SafeHtml {
  return html`<p>
      A caller who cannot unlock their Smartcard themselves presses “Ask the service desk to approve
      this unlock” on their Smartcard Unlock screen. It shows them a reference to read to you.
    </p>
    <ol class="nhsuk-list nhsuk-list--number">
      <li>Type the reference the caller reads out.</li>
      <li>See whose unlock it is, and check the caller is that holder by your procedure.</li>
      <li>
        Approve it with a reason. The caller’s screen moves on to “Set a new passcode” by itself.
      </li>
    </ol>
    <div class="nhsuk-inset-text">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p>
        Each reference you type that names no waiting unlock is kept in the audit trail with your
        name. After too many in a short time (10 within 10 minutes, unless IT has changed the limit)
        the console looks up no more for you until that time has passed, so check each reference
        with the caller before you type it.
      </p>
    </div>`;
}

/** The reference form, with what was typed and its error; the steps above it on a fresh page. */
export function referenceForm(spec: {
  readonly csrfToken: string;
  readonly typed?: string;
  readonly error?: string | undefined;
  readonly steps: boolean;
}): SafeHtml {
  return html`${spec.steps && howItWorks()}
    <form action="${APPROVALS}" method="post" novalidate>
      ${csrfField(spec.csrfToken)}
      ${textInput({
        id: 'reference',
        name: 'reference',
        label: 'Reference',
        hint: '6 letters and digits, such as 4KF-92Q. Capitals, spaces and the hyphen do not matter.',
        value: spec.typed ?? '',
        error: spec.error,
        autocomplete: 'off',
        maxLength: 40,
        widthClass: 'nhsuk-input--width-10',
      })}
      <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Find the unlock</button>
    </form>`;
}

/** The facts the desk checks the caller against: the holder, their card, and the attempt. */
function unlockFacts(found: AssistedUnlockFound, site: string | null): SafeHtml {
  return summaryList([
    ['Reference', mono(found.reference)],
    ['Holder', found.holderName],
    ['Card ID', mono(found.cardId)],
    ['Site or organisation', site ?? 'None'],
    ['Unlock started', ukDateTime(found.startedAt)],
    ['Reference can be approved until', ukDateTime(found.referenceExpiresAt)],
    [
      'Self-service',
      found.selfServiceLocked
        ? 'Locked out by wrong answers or codes: approving lets this unlock past the lockout, and no other'
        : 'Not locked out',
    ],
  ]);
}

/** The "I have checked the caller's identity" checkbox, as the design system lays one out. */
function identityCheckbox(checked: boolean, error: string | undefined): SafeHtml {
  const described = error === undefined ? 'identity-hint' : 'identity-hint identity-error';
  return html`<div class="nhsuk-form-group${error === undefined ? '' : ' nhsuk-form-group--error'}">
    <fieldset class="nhsuk-fieldset" aria-describedby="${described}">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Identity check</legend>
      <div class="nhsuk-hint" id="identity-hint">
        Only approve once the caller has passed your organisation’s identity check for this holder.
      </div>
      ${
        error !== undefined &&
        html`<span class="nhsuk-error-message" id="identity-error"
          ><span class="nhsuk-u-visually-hidden">Error: </span>${error}</span
        >`
      }
      <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
        <div class="nhsuk-checkboxes__item">
          <input
            class="nhsuk-checkboxes__input"
            id="identity-checked"
            name="identityChecked"
            type="checkbox"
            value="yes"
            ${checked && html`checked`}
          />
          <label class="nhsuk-label nhsuk-checkboxes__label" for="identity-checked">
            I have checked the caller’s identity
          </label>
        </div>
      </div>
    </fieldset>
  </div>`;
}

/** What the approval form sent, shown again beside its errors. */
export interface ApprovalSent {
  readonly identityChecked: boolean;
  readonly reason: string;
}

/** Whose unlock the reference names, the reminder to check the caller, and the approval form. */
export function confirmBody(spec: {
  readonly found: AssistedUnlockFound;
  readonly site: string | null;
  readonly csrfToken: string;
  readonly sent?: ApprovalSent;
  readonly errors?: readonly FieldError[];
}): SafeHtml {
  const errors = spec.errors ?? [];
  return html`<p class="nhsuk-lede-text">
      The reference ${spec.found.reference} names this unlock. Check the caller is this holder
      before you approve it.
    </p>
    ${unlockFacts(spec.found, spec.site)}
    <div class="nhsuk-card nhsuk-card--warning">
      <div class="nhsuk-card__content">
        <h2 class="nhsuk-card__heading">
          <span class="nhsuk-u-visually-hidden">Important: </span>Check the caller’s identity
        </h2>
        <p class="nhsuk-card__description">
          Check who the caller is by your organisation’s procedure (for example, call them back on
          the number in the staff directory). If you are not sure, do not approve: the reference
          expires by itself. Never ask for their passcode, PUK, security answers or Smartcard Unlock
          Code.
        </p>
      </div>
    </div>
    <h2 class="nhsuk-heading-m">Approve the unlock</h2>
    <form action="${APPROVALS}/approve" method="post" novalidate>
      ${csrfField(spec.csrfToken)}
      <input type="hidden" name="reference" value="${spec.found.reference}" />
      ${identityCheckbox(spec.sent?.identityChecked ?? false, errorFor(errors, 'identity-checked'))}
      ${textInput({
        id: 'reason',
        name: 'reason',
        label: 'Reason for approving the unlock',
        hint: 'For example the ticket number and how you checked the caller. It is kept in the audit trail with your name.',
        value: spec.sent?.reason ?? '',
        error: errorFor(errors, 'reason'),
        maxLength: OPERATOR_REASON_MAX_LENGTH,
      })}
      <div class="nhsuk-button-group">
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
          Approve unlock
        </button>
        <a class="nhsuk-link" href="${APPROVALS}">Do not approve: type another reference</a>
      </div>
    </form>`;
}

/** What an approval did, the way to the holder's card, and the form for the next caller. */
export function approvedBody(approved: AssistedUnlockApproved, csrfToken: string): SafeHtml {
  return html`${summaryList([
      ['Reference', mono(approved.reference)],
      ['Holder', approved.holderName],
      ['Card ID', mono(approved.cardId)],
      ['Approved', ukDateTime(approved.approvedAt)],
    ])}
    <p>
      <a href="${CONSOLE_BASE}/holders/${approved.cardId}"
        >See the card and audit trail of ${approved.holderName}</a
      >
    </p>
    <h2 class="nhsuk-heading-m">Approve another unlock</h2>
    ${referenceForm({ csrfToken, steps: false })}`;
}
