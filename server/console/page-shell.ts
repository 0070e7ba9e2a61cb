import { html, type SafeHtml } from './html';

/**
 * The console's page shell in the NHS design system (nhsuk-frontend 10's header, skip link and
 * footer, written out as its templates render them): server-rendered, no script, every value
 * escaped by `html`.
 */

/** The console's name, in the header and every page title. */
export const SERVICE_NAME = 'Smartcard Unlock service desk';

/** Where the console lives on the operator listener; every link and form is under it. */
export const CONSOLE_BASE = '/console';

/** What the shell shows of the signed-in operator: their name, their role, and the sign-out form's token. */
export interface ShellOperator {
  readonly name: string;
  readonly role: 'desk' | 'ra';
  readonly csrfToken: string;
}

/** One page: its heading (and title), its content, and who is signed in (none on sign-in errors). */
export interface PageInput {
  /** The `h1`, and the first part of the `<title>`. */
  readonly title: string;
  readonly body: SafeHtml;
  readonly operator?: ShellOperator;
  /** The request's path, to mark the navigation's current item. */
  readonly path?: string;
  /** A back link above the page's main content, where the design system places it. */
  readonly backLink?: { readonly href: string; readonly text: string };
  /** Inside main, above the heading: an error summary, as the design system places it. */
  readonly beforeHeading?: SafeHtml;
  /** "Error: " goes before the title while a form shows errors (the design system's pattern). */
  readonly hasErrors?: boolean;
  /** A same-origin page to go on to at once (after sign-in, where a redirect would drop the cookie). */
  readonly refreshTo?: string;
}

const NHS_LOGO_PATH =
  'M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z';

/** The role as the header and the home page name it. */
export const ROLE_NAMES: Readonly<Record<ShellOperator['role'], string>> = {
  desk: 'Service desk',
  ra: 'RA manager',
};

/** The navigation, by role: RA managers do desk work too; only they see reports. */
export const NAVIGATION: readonly {
  readonly href: string;
  readonly text: string;
  readonly role: ShellOperator['role'];
}[] = [
  { href: `${CONSOLE_BASE}/holders`, text: 'Find a holder', role: 'desk' },
  { href: `${CONSOLE_BASE}/approvals`, text: 'Approve an assisted unlock', role: 'desk' },
  { href: `${CONSOLE_BASE}/reports`, text: 'Reports', role: 'ra' },
];

/** Whether a role may do what another is for: an RA manager may do desk work, not the reverse. */
export const roleAllows = (has: ShellOperator['role'], needs: ShellOperator['role']): boolean =>
  has === needs || has === 'ra';

/** The form field every console form carries its CSRF token in. */
export const CSRF_FIELD = '_csrf';

/** The hidden field that every form of the console must hold (the POST is refused without it). */
export function csrfField(csrfToken: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}" />`;
}

function header(operator: ShellOperator | undefined, path: string | undefined): SafeHtml {
  const items =
    operator === undefined ? [] : NAVIGATION.filter((i) => roleAllows(operator.role, i.role));
  const current = (href: string) =>
    path !== undefined && (path === href || path.startsWith(`${href}/`));
  const account =
    operator === undefined
      ? html``
      : html`<nav class="nhsuk-header__account" aria-label="Account">
          <ul class="nhsuk-header__account-list">
            <li class="nhsuk-header__account-item">
              ${operator.name} (${ROLE_NAMES[operator.role]})
            </li>
            <li class="nhsuk-header__account-item">
              <form
                class="nhsuk-header__account-form"
                action="${CONSOLE_BASE}/sign-out"
                method="post"
                novalidate
              >
                ${csrfField(operator.csrfToken)}
                <button class="nhsuk-header__account-button">Sign out</button>
              </form>
            </li>
          </ul>
        </nav>`;
  const navigation =
    items.length === 0
      ? html``
      : html`<nav class="nhsuk-header__navigation" aria-label="Menu">
          <div class="nhsuk-header__navigation-container nhsuk-width-container">
            <ul class="nhsuk-header__navigation-list">
              ${items.map((item) =>
                current(item.href)
                  ? html`<li
                      class="nhsuk-header__navigation-item nhsuk-header__navigation-item--current"
                    >
                      <a
                        class="nhsuk-header__navigation-link"
                        href="${item.href}"
                        aria-current="${path === item.href ? 'page' : 'true'}"
                        ><strong class="nhsuk-header__navigation-item-current-fallback"
                          >${item.text}</strong
                        ></a
                      >
                    </li>`
                  : html`<li class="nhsuk-header__navigation-item">
                      <a class="nhsuk-header__navigation-link" href="${item.href}">${item.text}</a>
                    </li>`,
              )}
            </ul>
          </div>
        </nav>`;
  return html`<header class="nhsuk-header" role="banner">
    <div class="nhsuk-header__container nhsuk-width-container">
      <div class="nhsuk-header__service">
        <a
          class="nhsuk-header__service-logo"
          href="${CONSOLE_BASE}/"
          aria-label="NHS ${SERVICE_NAME} homepage"
        >
          <svg
            class="nhsuk-header__logo"
            xmlns="http://www.w3.org/2000/svg"
            viewBox="0 0 200 80"
            height="40"
            width="100"
            focusable="false"
            role="img"
            aria-label="NHS"
          >
            <title>NHS</title>
            <path fill="currentcolor" d="${NHS_LOGO_PATH}" />
          </svg>
          <span class="nhsuk-header__service-name">${SERVICE_NAME}</span>
        </a>
      </div>
      ${account}
    </div>
    ${navigation}
  </header>`;
}

/** A whole console page: head, skip link, header, the main content under its heading, footer. */
export function renderPage(page: PageInput): string {
  const title = `${page.hasErrors === true ? 'Error: ' : ''}${page.title} – ${SERVICE_NAME} – NHS`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title}</title>
        ${page.refreshTo && html`<meta http-equiv="refresh" content="0;url=${page.refreshTo}" />`}
        <link rel="stylesheet" href="${CONSOLE_BASE}/assets/nhsuk-frontend.css" />
        <link rel="stylesheet" href="${CONSOLE_BASE}/assets/console.css" />
        <link rel="icon" href="${CONSOLE_BASE}/assets/images/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
        ${header(page.operator, page.path)}
        <div class="nhsuk-width-container">
          ${page.backLink && html`<a class="nhsuk-back-link" href="${page.backLink.href}">${page.backLink.text}</a>`}
          <main class="nhsuk-main-wrapper" id="maincontent" role="main" tabindex="-1">
            ${page.beforeHeading}
            <h1 class="nhsuk-heading-l">${page.title}</h1>
            ${page.body}
          </main>
        </div>
        <footer class="nhsuk-footer" role="contentinfo">
          <div class="nhsuk-width-container">
            <div class="nhsuk-footer__meta">
              <p class="nhsuk-body-s">
                ${SERVICE_NAME}: for IT staff who support smartcard holders. Every action is
                recorded in the audit trail with your name.
              </p>
            </div>
          </div>
        </footer>
      </body>
    </html> `.value;
}
