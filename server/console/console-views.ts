import { html, type SafeHtml } from './html';
import {
  CONSOLE_BASE,
  NAVIGATION,
  ROLE_NAMES,
  roleAllows,
  SERVICE_NAME,
  type ShellOperator,
} from './page-shell';

/** The console's own pages' content: home, sign-in and sign-out, and the refusals. */

/** What each task on the home page is for. */
const TASK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [`${CONSOLE_BASE}/holders`]:
    'Search by name, email, mobile or card ID. See a card, its attempts and its audit trail; clear a lockout, reset a registration, correct contact details, freeze or unfreeze self-service.',
  [`${CONSOLE_BASE}/approvals`]:
    'A caller reads you the reference their Smartcard Unlock screen shows. Check who they are, then approve that unlock.',
  [`${CONSOLE_BASE}/reports`]:
    'Unlocks by self-service and by the desk, lockouts and "This wasn\'t me" reports, by day and by site.',
};

/** The home page: the tasks the operator's role allows, as the design system's clickable cards. */
export function homeBody(operator: ShellOperator): SafeHtml {
  const tasks = NAVIGATION.filter((t) => roleAllows(operator.role, t.role));
  return html`<p class="nhsuk-lede-text">
      You are signed in as ${operator.name} (${ROLE_NAMES[operator.role]}).
    </p>
    <ul class="nhsuk-grid-row nhsuk-card-group">
      ${tasks.map(
        (t) =>
          html`<li class="nhsuk-grid-column-one-third nhsuk-card-group__item">
            <div class="nhsuk-card nhsuk-card--clickable">
              <div class="nhsuk-card__content">
                <h2 class="nhsuk-card__heading nhsuk-heading-m">
                  <a class="nhsuk-card__link" href="${t.href}">${t.text}</a>
                </h2>
                <p class="nhsuk-card__description">${TASK_DESCRIPTIONS[t.href]}</p>
              </div>
            </div>
          </li>`,
      )}
    </ul>`;
}

/** A page that is only a few paragraphs and a link or button to go on. */
function paragraphs(lines: readonly string[], next?: SafeHtml): SafeHtml {
  return html`${lines.map((line) => html`<p>${line}</p>`)}${next}`;
}

const signInButton = (returnTo: string | undefined): SafeHtml => {
  const query = returnTo === undefined ? '' : `?return=${encodeURIComponent(returnTo)}`;
  return html`<a
    class="nhsuk-button"
    href="${CONSOLE_BASE}/sign-in${query}"
    role="button"
    draggable="false"
    >Sign in</a
  >`;
};

/** Why the operator was signed out, in their words. */
export type SignedOutReason = 'signed-out' | 'idle' | 'lifetime' | 'no-session';

/** "You have been signed out": by choice, after the idle time, at the session's end, or no session. */
export function signedOutBody(
  reason: SignedOutReason,
  limits: { readonly idleMinutes: number; readonly lifetimeHours: number },
  returnTo?: string,
): SafeHtml {
  const why: Readonly<Record<SignedOutReason, string>> = {
    'signed-out': 'You signed out of the service desk console.',
    idle: `You were signed out because you had not used the console for ${limits.idleMinutes} minutes. This protects holders' details on an unattended screen.`,
    lifetime: `You were signed out because you had been signed in for ${limits.lifetimeHours} hours, the longest a session lasts.`,
    'no-session':
      'Your session has ended, or the console was opened in another browser. Anything you had not saved was not changed.',
  };
  return paragraphs([why[reason], 'Sign in again to carry on.'], signInButton(returnTo));
}

/** The page shown while the browser follows the sign-in to the page it asked for. */
export function continueBody(target: string): SafeHtml {
  return html`<p>You are signed in. <a href="${target}">Continue to the ${SERVICE_NAME}</a>.</p>`;
}

/** Sign-in failed: the provider refused or could not be reached. */
export function signInFailedBody(kind: 'unreachable' | 'refused' | 'expired'): SafeHtml {
  const why = {
    unreachable:
      'The sign-in service could not be reached. Try again in a few minutes. If it keeps happening, tell whoever runs the verification server.',
    refused:
      'Your organisation’s sign-in did not confirm who you are, so you were not signed in to the console.',
    expired:
      'The sign-in took too long or was already used. This happens when you go back to an old sign-in page.',
  }[kind];
  return paragraphs([why, 'Try signing in again.'], signInButton(undefined));
}

/** Signed in at the provider, but with neither role. */
export function noRoleBody(): SafeHtml {
  return paragraphs([
    'Your account is not a service desk or RA manager account for this console, so you cannot use it.',
    'If you need access, ask whoever manages access to the Smartcard Unlock service desk console in your organisation to give your account the service desk or RA manager role.',
  ]);
}

/** The way back from a refusal: the console's home page. */
const HOME_LINK = html`<p><a href="${CONSOLE_BASE}/">Go to the service desk home page</a></p>`;

/** 403 for a page the operator's role does not allow. */
export function forbiddenBody(): SafeHtml {
  return paragraphs(
    [
      'Your role does not allow you to use this page. Reports are for RA managers.',
      'This attempt has been recorded in the audit trail.',
    ],
    HOME_LINK,
  );
}

/** 403 for a form that was not sent by the console with the session's token. */
export function csrfRefusedBody(): SafeHtml {
  return paragraphs(
    [
      'This request was not sent from a page of the console you are signed in to, so nothing was changed.',
      'This can happen after signing in again in another tab. Go back to the page, reload it, and try again.',
    ],
    HOME_LINK,
  );
}

/** 404 inside the console. */
export function notFoundBody(): SafeHtml {
  return paragraphs(
    [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
    HOME_LINK,
  );
}

/** 500: something failed that the operator cannot fix. */
export function serverErrorBody(): SafeHtml {
  return paragraphs([
    'Try again later. Nothing you asked for may have been done: check before you try again.',
    'If it keeps happening, tell whoever runs the verification server: the server log has the details.',
  ]);
}
