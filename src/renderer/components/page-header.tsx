import type { MouseEvent } from 'react';
import { wording } from '../../shared/wording';

/** The id of the page's `main`, which the skip link moves focus to. */
export const MAIN_ID = 'main-content';

// nhsuk-frontend 10's NHS logo (components/header/template.njk), inline so that nothing is
// fetched; `currentcolor` keeps it visible in forced colours.
const NHS_LOGO_PATH =
  'M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z';

/**
 * Moves focus to `main` as the design system's skip link script does (tabindex only while it has
 * focus), without following the href: browser mode keeps its one-run key in the address fragment.
 */
function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  const main = document.getElementById(MAIN_ID);
  if (main === null) return;
  main.setAttribute('tabindex', '-1');
  main.addEventListener('blur', () => main.removeAttribute('tabindex'), { once: true });
  main.focus();
}

/** The design system's skip link: the first thing Tab reaches on every screen (WCAG 2.4.1). */
export function SkipLink() {
  return (
    <a className="nhsuk-skip-link" href={`#${MAIN_ID}`} onClick={skipToMain}>
      {wording().common.skipLink}
    </a>
  );
}

/** The NHS header: the logo and the seed's site name, neither a link (the app opens no pages). */
export function PageHeader() {
  const service = wording().service;
  return (
    <header className="nhsuk-header" role="banner">
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <svg
            className="nhsuk-header__logo"
            xmlns="http://www.w3.org/2000/svg"
            viewBox="0 0 200 80"
            height="40"
            width="100"
            focusable="false"
            role="img"
            aria-label={service.logo}
          >
            <title>{service.logo}</title>
            <path fill="currentcolor" d={NHS_LOGO_PATH} />
          </svg>
          <span className="nhsuk-header__service-name">{service.centre}</span>
        </div>
      </div>
    </header>
  );
}
