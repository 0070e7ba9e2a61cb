import { html, type SafeHtml } from './html';

/**
 * The design system's form and display parts the holder and report pages share, written out as
 * nhsuk-frontend 10's templates render them (the console has no template engine and no script).
 */

/** One problem with a form: the field it is about (the summary links to its id) and what to do. */
export interface FieldError {
  readonly id: string;
  readonly text: string;
}

/** The error summary above the heading: "There is a problem", each error a link to its field. */
export function errorSummary(errors: readonly FieldError[]): SafeHtml | undefined {
  if (errors.length === 0) return undefined;
  return html`<div class="nhsuk-error-summary" data-module="nhsuk-error-summary">
    <div role="alert">
      <h2 class="nhsuk-error-summary__title">There is a problem</h2>
      <div class="nhsuk-error-summary__body">
        <ul class="nhsuk-list nhsuk-error-summary__list">
          ${errors.map((e) => html`<li><a href="#${e.id}">${e.text}</a></li>`)}
        </ul>
      </div>
    </div>
  </div>`;
}

/** The error a field shows beside itself, if any. */
export const errorFor = (errors: readonly FieldError[], id: string): string | undefined =>
  errors.find((e) => e.id === id)?.text;

/** A one-line text input with its label, hint and error, as the design system lays them out. */
export function textInput(field: {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly type?: 'text' | 'email' | 'tel' | 'search';
  readonly autocomplete?: string;
  readonly maxLength?: number;
  readonly widthClass?: string;
}): SafeHtml {
  const described = [
    field.hint === undefined ? undefined : `${field.id}-hint`,
    field.error === undefined ? undefined : `${field.id}-error`,
  ].filter((id) => id !== undefined);
  const classes = [
    'nhsuk-input',
    field.error === undefined ? undefined : 'nhsuk-input--error',
    field.widthClass,
  ].filter((c) => c !== undefined);
  return html`<div
    class="nhsuk-form-group${field.error === undefined ? '' : ' nhsuk-form-group--error'}"
  >
    <label class="nhsuk-label" for="${field.id}">${field.label}</label>
    ${field.hint !== undefined && html`<div class="nhsuk-hint" id="${field.id}-hint">${field.hint}</div>`}
    ${
      field.error !== undefined &&
      html`<span class="nhsuk-error-message" id="${field.id}-error"
        ><span class="nhsuk-u-visually-hidden">Error: </span>${field.error}</span
      >`
    }
    <input
      class="${classes.join(' ')}"
      id="${field.id}"
      name="${field.name}"
      type="${field.type ?? 'text'}"
      value="${field.value ?? ''}"
      spellcheck="false"
      ${described.length > 0 && html`aria-describedby="${described.join(' ')}"`}
      ${field.autocomplete !== undefined && html`autocomplete="${field.autocomplete}"`}
      ${field.maxLength !== undefined && html`maxlength="${field.maxLength}"`}
    />
  </div>`;
}

/**
 * The success banner that confirms what an action did, its green "Success" bar left out: Chromium
 * reports that bar's white text as white on white in forced colours, which axe cannot pass.
 */
export function successBanner(heading: string, more?: string): SafeHtml {
  return html`<div
    class="nhsuk-notification-banner nhsuk-notification-banner--success"
    data-module="nhsuk-notification-banner"
    role="alert"
    aria-labelledby="action-done"
  >
    <div class="nhsuk-notification-banner__content">
      <h2 class="nhsuk-notification-banner__heading" id="action-done">
        <span class="nhsuk-u-visually-hidden">Success: </span>${heading}
      </h2>
      ${more !== undefined && html`<p>${more}</p>`}
    </div>
  </div>`;
}

/** A summary list of facts: each a key and its value (text or markup). */
export function summaryList(rows: readonly (readonly [string, SafeHtml | string])[]): SafeHtml {
  return html`<dl class="nhsuk-summary-list">
    ${rows.map(
      ([key, value]) =>
        html`<div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">${key}</dt>
          <dd class="nhsuk-summary-list__value">${value}</dd>
        </div>`,
    )}
  </dl>`;
}

/**
 * A table with a caption, column headers, and rows whose first cell heads its row: the design
 * system's responsive table, which stacks each row under its headings on a narrow screen.
 */
export function table(spec: {
  readonly caption: string;
  readonly captionSize?: 's' | 'm';
  readonly head: readonly { readonly text: string; readonly numeric?: boolean }[];
  readonly rows: readonly (readonly (SafeHtml | string | number)[])[];
}): SafeHtml {
  const numeric = (i: number) =>
    spec.head[i]?.numeric === true ? ' nhsuk-table__cell--numeric' : '';
  const heading = (i: number) =>
    html`<span class="nhsuk-table__heading" aria-hidden="true">${spec.head[i]?.text} </span>`;
  return html`<table class="nhsuk-table nhsuk-table--responsive" role="table">
    <caption class="nhsuk-table__caption nhsuk-table__caption--${spec.captionSize ?? 'm'}">
      ${spec.caption}
    </caption>
    <thead class="nhsuk-table__head" role="rowgroup">
      <tr class="nhsuk-table__row" role="row">
        ${spec.head.map(
          (h) =>
            html`<th
              class="nhsuk-table__header${h.numeric === true ? ' nhsuk-table__header--numeric' : ''}"
              scope="col"
              role="columnheader"
            >
              ${h.text}
            </th>`,
        )}
      </tr>
    </thead>
    <tbody class="nhsuk-table__body">
      ${spec.rows.map(
        (row) =>
          html`<tr class="nhsuk-table__row" role="row">
            ${row.map((cell, i) =>
              i === 0
                ? html`<th class="nhsuk-table__header" scope="row" role="rowheader">
                    ${heading(i)}${cell}
                  </th>`
                : html`<td class="nhsuk-table__cell${numeric(i)}" role="cell">
                    ${heading(i)}${cell}
                  </td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const UK_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A stored time as the desk reads it, in UK time: `2 March 2026, 09:00`. */
export function ukDateTime(iso: string): string {
  const parts = UK_DATE_TIME.formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}`;
}
