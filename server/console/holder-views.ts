import type { AttemptSummary, CardPage, HolderSearchResult } from '../domain/desk/desk-ports';
import type { AuditEntry } from '../domain/ports';
import { summaryList, table, textInput, ukDateTime } from './form-parts';
import { html, type SafeHtml } from './html';
import { CONSOLE_BASE } from './page-shell';

/** The holder pages' content: the search form and its results, and a card's facts and history. */

/** The search form, with what was typed and its error. */
export function searchForm(query: string, error: string | undefined): SafeHtml {
  return html`<form action="${CONSOLE_BASE}/holders" method="get" novalidate role="search">
    ${textInput({
      id: 'q',
      name: 'q',
      label: 'Name, email address, mobile number or card ID',
      hint: 'Part of one is enough: for example Rigby, john.rigby@nhs.net, 07700 900123, or the start of the card ID on the caller’s diagnostics report.',
      value: query,
      error,
      type: 'search',
      autocomplete: 'off',
    })}
    <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Search</button>
  </form>`;
}

/** Text that may break anywhere on a narrow screen: ids, addresses, audit details. */
const breakable = (text: string): SafeHtml =>
  html`<span class="nhsuk-u-text-break-word">${text}</span>`;

/** Self-service as a tag: available, locked out or frozen. */
function stateTag(state: { readonly lockedOut: boolean; readonly frozen: boolean }): SafeHtml {
  if (state.frozen) return html`<strong class="nhsuk-tag nhsuk-tag--grey">Frozen</strong>`;
  if (state.lockedOut) return html`<strong class="nhsuk-tag nhsuk-tag--red">Locked out</strong>`;
  return html`<strong class="nhsuk-tag nhsuk-tag--green">Available</strong>`;
}

/** The holders a search found, or that none did; says when there are more than are shown. */
export function searchResults(query: string, result: HolderSearchResult): SafeHtml {
  if (result.matches.length === 0) {
    return html`<h2 class="nhsuk-heading-m">No holder matches “${query}”</h2>
      <p>
        Check the spelling, or search by another detail: email address, mobile number or card ID.
      </p>`;
  }
  const more =
    result.more &&
    html`<div class="nhsuk-inset-text">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p>
        More than ${result.limit} holders match. Only the first ${result.limit} are shown: add more
        of the name or search by email address, mobile number or card ID.
      </p>
    </div>`;
  const count = result.more ? `More than ${result.limit}` : String(result.matches.length);
  return html`${more}
  ${table({
    caption: `${count} holder${result.matches.length === 1 ? '' : 's'} matching “${query}”`,
    head: [
      { text: 'Holder' },
      { text: 'Card ID' },
      { text: 'Email address' },
      { text: 'Mobile' },
      { text: 'Site' },
      { text: 'Self-service' },
    ],
    rows: result.matches.map((m) => [
      html`<a href="${CONSOLE_BASE}/holders/${m.cardId}">${m.holderName}</a>`,
      html`<span class="app-console-mono nhsuk-u-text-break-word">${m.cardId}</span>`,
      breakable(m.email ?? 'None'),
      m.mobile ?? 'None',
      breakable(m.site ?? 'None'),
      stateTag(m),
    ]),
  })}`;
}

/** Why self-service is frozen, as the desk reads it. */
function frozenBecause(reason: string): string {
  if (reason === 'not-me')
    return 'the holder reported an unlock that was not them (“This wasn’t me”)';
  return reason === 'desk' ? 'frozen by the service desk' : reason;
}

/** The card's facts: holder, contacts, site, registration, self-service, PUK releases, certificates. */
export function cardFacts(page: CardPage): SafeHtml {
  const certificate = (slot: '9A' | '9E') => {
    const c = page.certificates[slot];
    if (c.notAfter === null) return 'No expiry (a public key, not a certificate)';
    return c.expired
      ? html`<strong class="nhsuk-tag nhsuk-tag--red">Expired</strong> ${ukDateTime(c.notAfter)}:
          self-service refuses the card; the holder goes to the Registration Authority`
      : `Expires ${ukDateTime(c.notAfter)}`;
  };
  const frozen = page.selfServiceFrozen;
  return html`<h2 class="nhsuk-heading-m">Card and holder</h2>
    ${summaryList([
      [
        'Card ID',
        html`<span class="app-console-mono nhsuk-u-text-break-word">${page.cardId}</span>`,
      ],
      ['Email address', page.email ?? 'None'],
      ['Mobile', page.mobile ?? 'None'],
      ['Site or organisation', page.site ?? 'None'],
      [
        'Registered',
        page.registeredAt === null
          ? 'No'
          : `Yes, since ${ukDateTime(page.registeredAt)}${page.emailConfirmed ? '' : ' (email address not confirmed)'}`,
      ],
    ])}
    <h2 class="nhsuk-heading-m">Self-service</h2>
    ${summaryList([
      [
        'State',
        html`${stateTag({ lockedOut: page.selfServiceLocked, frozen: frozen !== null })}
        ${frozen !== null && html`<p>Since ${ukDateTime(frozen.at)}: ${frozenBecause(frozen.reason)}.</p>`}`,
      ],
      [
        'Wrong answer submissions',
        `${page.wrongAnswerSubmissions} (${page.triesLeft} left before self-service locks)`,
      ],
      ['PUK releases today', `${page.pukReleasesToday} of ${page.pukReleaseCap} a day`],
      ['PUK change waiting to be confirmed', page.pendingPukRotation ? 'Yes' : 'No'],
      ['Last unlock', page.lastUnlockAt === null ? 'Never' : ukDateTime(page.lastUnlockAt)],
      ['PIV Authentication certificate (9A)', certificate('9A')],
      ['Card Authentication certificate (9E)', certificate('9E')],
    ])}`;
}

/** How an attempt ended, in words. */
function howItEnded(a: AttemptSummary): string {
  if (a.endReason === null) return a.expired ? 'Timed out' : 'In progress';
  const words: Readonly<Record<string, string>> = {
    'outcome-unlocked': 'Unlocked',
    'outcome-failed': 'The card could not be unlocked',
    registered: 'Registered',
    cancelled: 'Cancelled',
    superseded: 'Replaced by a newer attempt',
    expired: 'Timed out',
    'self-service-locked': 'Self-service locked',
    'self-service-frozen': 'Self-service frozen',
    'certificate-expired': 'Certificate expired',
    'puk-release-limit': 'Unlocked too often today',
    'no-contact': 'No email address or mobile number',
  };
  return words[a.endReason] ?? a.endReason;
}

/** The card's recent attempts, newest first. */
export function attemptsTable(attempts: readonly AttemptSummary[]): SafeHtml {
  if (attempts.length === 0) {
    return html`<h2 class="nhsuk-heading-m">Recent attempts</h2>
      <p>No recent attempts.</p>`;
  }
  return table({
    caption: 'Recent attempts',
    head: [{ text: 'Started' }, { text: 'Kind' }, { text: 'How it ended' }],
    rows: attempts.map((a) => [
      ukDateTime(a.startedAt),
      a.kind === 'register' ? 'Registration' : 'Unlock',
      a.endedAt === null ? howItEnded(a) : `${howItEnded(a)} (${ukDateTime(a.endedAt)})`,
    ]),
  });
}

/** A page of the card's audit trail, newest first, and a link to the older entries. */
export function auditTable(
  cardId: string,
  audit: { readonly entries: readonly AuditEntry[]; readonly nextBefore: number | null },
): SafeHtml {
  const older =
    audit.nextBefore !== null &&
    html`<nav class="nhsuk-pagination" role="navigation" aria-label="Audit trail pages">
      <ul class="nhsuk-list nhsuk-pagination__list">
        <li class="nhsuk-pagination-item--next">
          <a
            class="nhsuk-pagination__link nhsuk-pagination__link--next"
            href="${CONSOLE_BASE}/holders/${cardId}?before=${audit.nextBefore}#audit"
            rel="next"
          >
            <span class="nhsuk-pagination__title">Older entries</span>
          </a>
        </li>
      </ul>
    </nav>`;
  return html`<div id="audit">
    ${table({
      caption: 'Audit trail (newest first)',
      head: [
        { text: 'Time' },
        { text: 'Action' },
        { text: 'Outcome' },
        { text: 'By' },
        { text: 'Detail' },
      ],
      rows: audit.entries.map((e) => [
        ukDateTime(e.at),
        ...[e.action, e.outcome, e.sourceAddress, e.detail ?? ''].map(breakable),
      ]),
    })}
    ${older}
  </div>`;
}
