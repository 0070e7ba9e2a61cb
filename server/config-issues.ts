import type { z } from 'zod';
import type { SettingIssue } from './config';

/**
 * The server's settings faults in words for the person starting it: the setting, where its value
 * came from, what is wrong and what to do, naming the environment variable that sets it. Never
 * zod's own wording, and never a value (it may be a key or a password).
 */

/** What the wording needs to know about the settings being checked. */
export interface IssueContext {
  /** The object that was parsed: tells a setting that is missing from one that is wrong. */
  readonly input: unknown;
  /** Where a setting's value came from, or "not set". */
  sourceOf(setting: string): string;
  /** The settings under a section that have a value from some source (leaves, dotted). */
  setUnder(section: string): readonly string[];
  /** The environment variable that sets a setting (or the section holding it), if any. */
  variableOf(setting: string): string | undefined;
  /** The variables that choose a section's kind, e.g. SMTP_HOST chooses mail.kind "smtp". */
  kindChosenBy(section: string): readonly { readonly name: string; readonly kind: string }[];
  /** The config file in use, if any. */
  readonly configFile: string | undefined;
}

type Issue = z.core.$ZodIssue;

const joined = (items: readonly string[], word: 'and' | 'or'): string =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1] ?? ''}`;

const quoted = (values: readonly unknown[]): string =>
  joined(
    values.map((v) => JSON.stringify(v)),
    'or',
  );

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

const parentOf = (setting: string): string =>
  setting.includes('.') ? setting.slice(0, setting.lastIndexOf('.')) : '';

function valueAt(input: unknown, path: readonly string[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const inTheFile = (ctx: IssueContext): string =>
  ctx.configFile === undefined
    ? 'a config file (--config FILE)'
    : `the config file ${ctx.configFile}`;

/** "set TLS_CERT_FILE, or tls.certFile in the config file ...". */
function howToSet(setting: string, ctx: IssueContext): string {
  const variable = ctx.variableOf(setting);
  const inFile = `${setting} in ${inTheFile(ctx)}`;
  return variable === undefined ? `set ${inFile}` : `set ${variable}, or ${inFile}`;
}

/** Where to change a value that is there: its variable, or its file (which a variable overrides). */
function howToChange(setting: string, source: string, ctx: IssueContext): string {
  const single = !source.includes(',');
  const envPrefix = 'environment variable ';
  const filePrefix = 'config file ';
  if (single && source.startsWith(envPrefix)) return ` Change ${source.slice(envPrefix.length)}.`;
  if (single && source.startsWith(filePrefix)) {
    const variable = ctx.variableOf(setting);
    const override = variable === undefined ? '' : `, or set ${variable}`;
    return ` Change it in ${source.slice(filePrefix.length)}${override}.`;
  }
  return '';
}

const described = (setting: string, ctx: IssueContext): string =>
  `${setting} (${ctx.sourceOf(setting)})`;

/** A required setting with no value: how to set it, and what that is set beside it needs it. */
function missing(setting: string, ctx: IssueContext): string {
  const section = parentOf(setting);
  const beside =
    section === ''
      ? []
      : ctx.setUnder(section).filter((s) => s !== setting && !s.startsWith(`${setting}.`));
  const needs =
    beside.length === 0
      ? ''
      : ` It goes with ${joined(
          beside.map((s) => described(s, ctx)),
          'and',
        )}, which ${beside.length === 1 ? 'is' : 'are'} set.`;
  return `${howToSet(setting, ctx)}.${needs}`;
}

/** A section whose kind nothing chose, e.g. SMTP_USER and SMTP_PASS without SMTP_HOST. */
function kindNotChosen(setting: string, options: readonly unknown[], ctx: IssueContext): string {
  const section = parentOf(setting);
  const present = ctx.setUnder(section).filter((s) => s !== setting);
  const given =
    present.length === 0
      ? ''
      : `${joined(
          present.map((s) => described(s, ctx)),
          'and',
        )} ${present.length === 1 ? 'is' : 'are'} set, but nothing chooses ${setting}: `;
  const choices = [
    ...ctx.kindChosenBy(section).map((v) => `set ${v.name} (for "${v.kind}")`),
    `set ${setting} (${quoted(options)}) in ${inTheFile(ctx)}`,
  ];
  return `${given}${choices.join(', or ')}.`;
}

/** What a type is called where the person fixing it reads it. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object ({ ... })',
  record: 'a JSON object ({ ... })',
  array: 'a list ([ ... ])',
};

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const exact = issue.exact === true;
  const inclusive = issue.inclusive !== false;
  const within = exact ? 'exactly' : small ? 'at least' : 'at most';
  if (issue.origin === 'string') {
    return small && limit === 1 && !exact
      ? 'must not be empty.'
      : `must be ${within} ${limit} characters long.`;
  }
  if (issue.origin === 'array' || issue.origin === 'set')
    return `must have ${within} ${limit} entries.`;
  if (exact) return `must be ${limit}.`;
  if (small) return `must be ${inclusive ? 'at least' : 'more than'} ${limit}.`;
  return `must be ${inclusive ? 'at most' : 'less than'} ${limit}.`;
}

/** What is wrong with a value that is there. */
function wrongValue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}.`;
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_value':
      return `must be ${quoted(issue.values)}.`;
    case 'invalid_union':
      return 'options' in issue && issue.options !== undefined && issue.options.length > 0
        ? `must be ${quoted(issue.options)}.`
        : 'is not in a form this setting takes (see docs/deployment.md).';
    case 'invalid_format':
      return issue.message.startsWith('Invalid')
        ? 'is not in the form this setting takes (see docs/deployment.md).'
        : sentence(issue.message);
    case 'custom':
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'unrecognized_keys':
      // Refinements (custom) carry the project's own wording; the rest do not occur in settings.
      return sentence(issue.message);
  }
}

/** Words one zod issue; unknown settings give one issue each. */
function worded(issue: Issue, ctx: IssueContext): SettingIssue[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const section = path.join('.');
    const kind = valueAt(ctx.input, [...path, 'kind']);
    return issue.keys.map((key) => {
      const setting = section === '' ? key : `${section}.${key}`;
      const message =
        typeof kind === 'string'
          ? `is not a setting of ${section} when ${section}.kind is "${kind}": remove it, or change ${section}.kind.`
          : 'is not a setting: remove it, or correct its name (the settings are listed in docs/deployment.md).';
      return { setting, source: ctx.sourceOf(setting), message };
    });
  }
  const setting = path.join('.') || '(top level)';
  const source = ctx.sourceOf(setting);
  const absent = valueAt(ctx.input, path) === undefined;
  if (absent && issue.code === 'invalid_union' && 'options' in issue && issue.options) {
    return [{ setting, source, message: kindNotChosen(setting, issue.options, ctx) }];
  }
  if (absent && issue.code === 'invalid_type') {
    return [{ setting, source, message: missing(setting, ctx) }];
  }
  return [{ setting, source, message: `${wrongValue(issue)}${howToChange(setting, source, ctx)}` }];
}

/** Every issue of a failed parse, worded. */
export function settingIssuesOf(error: z.ZodError, ctx: IssueContext): SettingIssue[] {
  return error.issues.flatMap((issue) => worded(issue, ctx));
}
