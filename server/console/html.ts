/**
 * The console's one way to write HTML: `html` escapes every value it is given unless the value is
 * itself `html`, so no holder name, reference or query can become markup.
 */

/** Markup that `html` built (and so escaped); the only kind the page shell accepts. */
export class SafeHtml {
  constructor(readonly value: string) {}

  /** The markup, for a response body. */
  toString(): string {
    return this.value;
  }
}

/** What a template may hold: text and numbers are escaped, `SafeHtml` kept, empty values left out. */
type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text made safe for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

function rendered(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(rendered).join('');
  // false, null and undefined render nothing, so `${cond && html`...`}` reads naturally.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** The tagged template: `html`<p>${name}</p>`` escapes `name`; nested `html` stays markup. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += rendered(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}
