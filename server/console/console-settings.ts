import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../src/shared/result';

/**
 * The service desk console's settings (the `console` section): the organisation's OpenID Connect
 * provider, the claim that carries the operator's role, and the session limits. The client secret
 * comes from the settings or a file, and is never logged (docs/deployment.md, "The console").
 */

/** Minutes an idle session lasts, and hours any session lasts, by default. */
const DEFAULT_IDLE_MINUTES = 15;
const DEFAULT_LIFETIME_HOURS = 8;

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
    message: 'must be an http:// or https:// address.',
  });

const claimValue = z.string().trim().min(1).max(200);

/** The section as written in the config file or set by its environment variables. */
const consoleSectionSchema = z
  .object({
    /** Unset: on in development when an issuer is given, off otherwise. */
    enabled: z.boolean().optional(),
    /** The provider's issuer, e.g. https://login.microsoftonline.com/<tenant>/v2.0. */
    issuer: httpUrl.optional(),
    clientId: z.string().trim().min(1).max(500).optional(),
    clientSecret: z.string().min(1).max(4096).optional(),
    /** A file holding the client secret (a mounted secret), instead of clientSecret. */
    clientSecretFile: z.string().min(1).max(4096).optional(),
    /** Where operators' browsers reach the operator listener: the origin of the console's links. */
    url: httpUrl
      .refine((s) => ['', '/'].includes(new URL(s).pathname) && !/[?#]/.test(s), {
        message: 'must be an origin only, such as https://desk.trust.nhs.uk, with no path.',
      })
      .optional(),
    /** The ID token or userinfo claim that lists the operator's roles (Entra ID's app roles: `roles`). */
    roleClaim: z.string().trim().min(1).max(200).default('roles'),
    /** The claim's values that mean service desk, and RA manager. */
    deskRole: claimValue.default('service-desk'),
    raRole: claimValue.default('ra-manager'),
    /** The scopes asked for; the role claim must come with one of them. */
    scopes: z
      .string()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, {
        message: 'must be scope names separated by single spaces.',
      })
      .refine((s) => s.split(' ').includes('openid'), { message: 'must include openid.' })
      .default('openid profile'),
    idleTimeoutMinutes: z.number().int().min(1).max(120).default(DEFAULT_IDLE_MINUTES),
    sessionLifetimeHours: z.number().int().min(1).max(24).default(DEFAULT_LIFETIME_HOURS),
  })
  .strict()
  .refine((c) => !(c.clientSecret !== undefined && c.clientSecretFile !== undefined), {
    message: 'set clientSecret or clientSecretFile, not both.',
    path: ['clientSecretFile'],
  })
  .refine((c) => c.deskRole !== c.raRole, {
    message: 'must differ from console.deskRole: the two roles need two claim values.',
    path: ['raRole'],
  });

/** The config file's view of the section, as the loader parses it. */
export const consoleSettingsInputSchema = z.object({ console: consoleSectionSchema.optional() });

/** The console's settings once checked: present only when the console is on. */
export interface ConsoleSettings {
  readonly issuer: URL;
  readonly clientId: string;
  /** Never logged, never shown (describeSettings leaves it out). */
  readonly clientSecret: string;
  /** The console's origin; undefined in development, where each request's own origin is used. */
  readonly url: URL | undefined;
  readonly roleClaim: string;
  readonly deskRole: string;
  readonly raRole: string;
  readonly scopes: string;
  readonly idleTimeoutMs: number;
  readonly lifetimeMs: number;
  /** Plain http to the provider is allowed (development only). */
  readonly allowHttp: boolean;
}

/** One problem with the section: the setting, and what to do. */
interface ConsoleIssue {
  readonly setting: string;
  readonly message: string;
}

/** What the rules depend on besides the section itself. */
interface ConsoleContext {
  readonly development: boolean;
  readonly cwd: string;
  /** Whether the operator listener, which serves the console, is on. */
  readonly operatorListener: boolean;
}

const NEEDED: Readonly<Record<string, string>> = {
  issuer:
    'the console signs operators in with your OpenID Connect provider: set SCU_CONSOLE_ISSUER (such as https://login.microsoftonline.com/<tenant>/v2.0), or console.issuer in the config file.',
  clientId:
    "set SCU_CONSOLE_CLIENT_ID (the console's application or client id at your provider), or console.clientId in the config file.",
  clientSecret:
    'set SCU_CONSOLE_CLIENT_SECRET_FILE (a file holding the client secret) or SCU_CONSOLE_CLIENT_SECRET, or console.clientSecretFile in the config file.',
  url: 'set SCU_CONSOLE_URL (the https:// origin operators open the console at, such as https://desk.trust.nhs.uk), or console.url in the config file: sign-in returns there, and forms are checked against it.',
};

/** Reads the secret file; a problem names the file but never its content. */
function readSecret(file: string, cwd: string): Result<string, string> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  try {
    const secret = readFileSync(path, 'utf8').trim();
    return secret === '' ? err(`${path} is empty.`) : ok(secret);
  } catch (e) {
    return err(`${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
  }
}

/**
 * The console's settings from its parsed section, or every rule it breaks: on outside development
 * only when asked for, then an issuer, client and secret, and https for the provider and console.
 */
export function resolveConsoleSettings(
  section: z.infer<typeof consoleSectionSchema> | undefined,
  context: ConsoleContext,
): Result<ConsoleSettings | undefined, ConsoleIssue[]> {
  const c = section ?? consoleSectionSchema.parse({});
  const enabled = c.enabled ?? (context.development && c.issuer !== undefined);
  if (!enabled) return ok(undefined);
  const issues: ConsoleIssue[] = [];
  const need = (setting: keyof typeof NEEDED) =>
    issues.push({ setting: `console.${setting}`, message: NEEDED[setting] ?? '' });
  if (!context.operatorListener) {
    issues.push({
      setting: 'console.enabled',
      message:
        'the console is served on the operator listener, which is off: set operator.enabled true (or OPERATOR_ENABLED=true), or turn the console off.',
    });
  }
  if (c.issuer === undefined) need('issuer');
  if (c.clientId === undefined) need('clientId');
  let secret = c.clientSecret;
  if (c.clientSecretFile !== undefined) {
    const read = readSecret(c.clientSecretFile, context.cwd);
    if (read.ok) secret = read.value;
    else issues.push({ setting: 'console.clientSecretFile', message: read.error });
  } else if (secret === undefined) need('clientSecret');
  if (!context.development) {
    if (c.url === undefined) need('url');
    for (const setting of ['issuer', 'url'] as const) {
      const value = c[setting];
      if (value?.startsWith('http:') === true) {
        issues.push({
          setting: `console.${setting}`,
          message:
            'must be an https:// address outside development: sign-in codes and session cookies must not cross the network in clear.',
        });
      }
    }
  }
  if (issues.length > 0 || c.issuer === undefined || c.clientId === undefined || !secret) {
    return err(issues);
  }
  return ok({
    issuer: new URL(c.issuer),
    clientId: c.clientId,
    clientSecret: secret,
    url: c.url === undefined ? undefined : new URL(c.url),
    roleClaim: c.roleClaim,
    deskRole: c.deskRole,
    raRole: c.raRole,
    scopes: c.scopes,
    idleTimeoutMs: c.idleTimeoutMinutes * 60_000,
    lifetimeMs: c.sessionLifetimeHours * 3_600_000,
    allowHttp: context.development,
  });
}
