import { z } from 'zod';
import { PHONE_NUMBER_PROBLEM_MESSAGES } from '../../src/shared/phone-number';
import type { CardPage, ContactsSet } from '../domain/desk/desk-ports';
import {
  NO_CONTACT_LEFT,
  OPERATOR_REASON_MAX_LENGTH,
  contactsFormSchema,
  operatorReasonSchema,
} from '../domain/desk/holder-actions';
import type { LockoutCleared } from '../domain/ports';
import { errorFor, textInput, ukDateTime, type FieldError } from './form-parts';
import { html, type SafeHtml } from './html';
import { CONSOLE_BASE, csrfField } from './page-shell';

/**
 * The card page's actions as POST forms (each with the session's CSRF token and a reason for the
 * audit trail), the checks of what they send, and the banner that says what each did.
 */

/** The actions a card page offers, by the last part of their path. */
export const HOLDER_ACTIONS = [
  'clear-lockout',
  'freeze',
  'unfreeze',
  'reset-registration',
  'contacts',
] as const;

/** One of the card page's actions. */
export type HolderAction = (typeof HOLDER_ACTIONS)[number];

/** What each action's reason is for, in its label and its error messages. */
const PURPOSE: Readonly<Record<HolderAction, string>> = {
  'clear-lockout': 'clearing the lockout',
  freeze: 'freezing self-service',
  unfreeze: 'unfreezing self-service',
  'reset-registration': 'resetting the registration',
  contacts: 'changing the contact details',
};

/** What a form sent, as text (a value the form lacks is empty). */
export const actionFormSchema = z.object({
  reason: z.string().max(2000).default(''),
  email: z.string().max(2000).default(''),
  mobile: z.string().max(2000).default(''),
});

/** What a form sent, kept to show it again beside its errors. */
export type ActionForm = z.infer<typeof actionFormSchema>;

/** The sentence for a mobile number refused by the import's rules. */
function mobileProblem(message: string | undefined): string {
  const known = Object.values(PHONE_NUMBER_PROBLEM_MESSAGES).includes(message ?? '');
  return known ? `Mobile number ${message ?? ''}` : 'Enter a UK mobile number, like 07700 900123';
}

/** The form's problems, each against its field, worded as the design system asks. */
export function actionFormErrors(action: HolderAction, form: ActionForm): FieldError[] {
  const errors: FieldError[] = [];
  if (action === 'contacts') {
    const contacts = contactsFormSchema.safeParse({ email: form.email, mobile: form.mobile });
    for (const issue of contacts.success ? [] : contacts.error.issues) {
      const field = String(issue.path[0]);
      const text =
        issue.message === NO_CONTACT_LEFT
          ? 'Enter an email address or a mobile number: a holder needs at least one'
          : field === 'email'
            ? 'Enter an email address in the correct format, like name@nhs.net'
            : mobileProblem(issue.message);
      errors.push({ id: `contacts-${field}`, text });
    }
  }
  const reason = operatorReasonSchema.safeParse(form.reason);
  if (!reason.success) {
    const id = `${action}-reason`;
    const text =
      form.reason.trim() === ''
        ? `Enter a reason for ${PURPOSE[action]}`
        : form.reason.length > OPERATOR_REASON_MAX_LENGTH
          ? `Reason must be ${OPERATOR_REASON_MAX_LENGTH} characters or fewer`
          : 'Reason must be one line, without control characters';
    errors.push({ id, text });
  }
  return errors;
}

/** The reason field of an action's form. */
function reasonField(
  action: HolderAction,
  form: ActionForm | undefined,
  errors: readonly FieldError[],
) {
  const id = `${action}-reason`;
  return textInput({
    id,
    name: 'reason',
    label: `Reason for ${PURPOSE[action]}`,
    hint: 'For example the ticket number and how you checked the caller. It is kept in the audit trail with your name.',
    value: form?.reason ?? '',
    error: errorFor(errors, id),
    maxLength: OPERATOR_REASON_MAX_LENGTH,
  });
}

/** One action's form: what it does, its fields, its reason and its button. */
function actionForm(spec: {
  readonly page: CardPage;
  readonly csrfToken: string;
  readonly action: HolderAction;
  readonly heading: string;
  readonly explanation: string;
  readonly button: string;
  readonly buttonClass?: 'secondary' | 'warning';
  readonly fields?: SafeHtml;
  readonly sent: { readonly action: HolderAction; readonly form: ActionForm } | undefined;
  readonly errors: readonly FieldError[];
}): SafeHtml {
  const form = spec.sent?.action === spec.action ? spec.sent.form : undefined;
  const errors = spec.sent?.action === spec.action ? spec.errors : [];
  return html`<section class="nhsuk-card" aria-labelledby="${spec.action}-heading">
    <div class="nhsuk-card__content">
      <h3 class="nhsuk-card__heading" id="${spec.action}-heading">${spec.heading}</h3>
      <p>${spec.explanation}</p>
      <form
        action="${CONSOLE_BASE}/holders/${spec.page.cardId}/${spec.action}"
        method="post"
        novalidate
      >
        ${csrfField(spec.csrfToken)} ${spec.fields} ${reasonField(spec.action, form, errors)}
        <button
          class="nhsuk-button${spec.buttonClass === undefined ? '' : ` nhsuk-button--${spec.buttonClass}`}"
          data-module="nhsuk-button"
          type="submit"
        >
          ${spec.button}
        </button>
      </form>
    </div>
  </section>`;
}

/** Every action the desk may take on this card, as forms. */
export function actionForms(
  page: CardPage,
  csrfToken: string,
  sent: { readonly action: HolderAction; readonly form: ActionForm } | undefined,
  errors: readonly FieldError[],
): SafeHtml {
  const common = { page, csrfToken, sent, errors };
  const contactsForm = sent?.action === 'contacts' ? sent.form : undefined;
  const contactFields = html`${textInput({
    id: 'contacts-email',
    name: 'email',
    label: 'Email address',
    hint: 'Leave empty for none.',
    value: contactsForm?.email ?? page.email ?? '',
    error: errorFor(errors, 'contacts-email'),
    type: 'email',
    autocomplete: 'off',
  })}
  ${textInput({
    id: 'contacts-mobile',
    name: 'mobile',
    label: 'UK mobile number',
    hint: 'For example 07700 900123 or +44 7700 900123. Leave empty for none.',
    value: contactsForm?.mobile ?? page.mobile ?? '',
    error: errorFor(errors, 'contacts-mobile'),
    type: 'tel',
    autocomplete: 'off',
    widthClass: 'nhsuk-input--width-20',
  })}`;
  return html`<h2 class="nhsuk-heading-m">Actions</h2>
    ${actionForm({
      ...common,
      action: 'clear-lockout',
      heading: 'Clear a lockout',
      explanation:
        'After you have checked the caller is the holder: sets the wrong answer count back to zero and lifts any freeze, so the holder can unlock the card themselves again.',
      button: 'Clear lockout',
    })}
    ${
      page.selfServiceFrozen === null
        ? actionForm({
            ...common,
            action: 'freeze',
            heading: 'Freeze self-service',
            explanation:
              'Stops anyone unlocking this card with the service (for example, a lost or stolen card) until the desk lifts it.',
            button: 'Freeze self-service',
            buttonClass: 'warning',
          })
        : actionForm({
            ...common,
            action: 'unfreeze',
            heading: 'Unfreeze self-service',
            explanation:
              'After you have checked the caller is the holder: lets the holder unlock the card with the service again.',
            button: 'Unfreeze self-service',
          })
    }
    ${actionForm({
      ...common,
      action: 'contacts',
      heading: 'Correct contact details',
      explanation:
        'Where the holder’s codes and notices go. A new email address is no longer the one the holder confirmed at registration.',
      button: 'Save contact details',
      buttonClass: 'secondary',
      fields: contactFields,
    })}
    ${actionForm({
      ...common,
      action: 'reset-registration',
      heading: 'Reset the registration',
      explanation:
        'Deletes the holder’s security answers and confirmed email address: they register again, with their passcode, at their next visit.',
      button: 'Reset registration',
      buttonClass: 'warning',
    })}`;
}

/** What a successful action did, as its banner says it. */
export type ActionDone =
  | { readonly action: 'clear-lockout'; readonly value: LockoutCleared }
  | {
      readonly action: 'freeze';
      readonly value: { readonly frozenNow: boolean; readonly since: string };
    }
  | {
      readonly action: 'unfreeze';
      readonly value: { readonly wasFrozen: { readonly at: string } | null };
    }
  | { readonly action: 'reset-registration' }
  | { readonly action: 'contacts'; readonly value: ContactsSet };

/** The banner's heading and its second sentence, if any. */
export function doneSentences(done: ActionDone): readonly [string, string?] {
  switch (done.action) {
    case 'clear-lockout': {
      const { wasLocked, wrongAnswerSubmissions: n, frozen } = done.value;
      const lifted =
        frozen === null
          ? undefined
          : `Self-service had been frozen since ${ukDateTime(frozen.at)}: it is unfrozen.`;
      if (wasLocked) return ['The lockout was cleared.', lifted];
      const count =
        n === 0
          ? 'There were no wrong answers to clear.'
          : `Its ${n} wrong answer submission${n === 1 ? ' was' : 's were'} set back to zero.`;
      return ['The card was not locked out.', [count, lifted].filter(Boolean).join(' ')];
    }
    case 'freeze':
      return done.value.frozenNow
        ? ['Self-service unlock is frozen for this card.']
        : [`Self-service unlock was already frozen, since ${ukDateTime(done.value.since)}.`];
    case 'unfreeze':
      return done.value.wasFrozen === null
        ? ['The card was not frozen: nothing changed.']
        : ['Self-service unlock is unfrozen.'];
    case 'reset-registration':
      return ['The registration was reset.', 'The holder registers again at their next visit.'];
    case 'contacts':
      return done.value.changed.length === 0
        ? ['The contact details were already these: nothing changed.']
        : ['The contact details were saved.'];
  }
}
