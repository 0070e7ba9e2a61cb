import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { FILE_JSON_LIMITS, jsonTextExceedsLimits } from '../src/shared/json-limits';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../src/shared/result';
import { settingIssuesOf, type IssueContext } from './config-issues';
import {
  consoleSettingsInputSchema,
  resolveConsoleSettings,
  type ConsoleSettings,
} from './console/console-settings';
import { serverCoreSettingsSchema, type ServerCoreSettings } from './create-services';
import { httpSettingsSchema, type HttpSettings } from './http/settings';
import { logLevelSchema, type LogLevel } from './logging';
import { keySettingsSchema, type KeySettings } from './security/key-settings';
import { postgresTarget } from './storage/storage-settings';
import {
  DEFAULT_RETENTION,
  retentionSettingsSchema,
  type RetentionSettings,
} from './storage/retention';

/**
 * The server's configuration: embedded defaults, then an optional JSON file (`--config FILE` or
 * SCU_CONFIG), then environment variables, parsed with zod at start. A failure names each
 * setting at fault and where its value came from (docs/decisions/0008-configuration.md).
 */

/** The file's (and the merged input's) top level; the core sections are checked in a second stage. */
const topLevelSchema = z
  .object({
    /** Development mode: plain HTTP allowed, codes printed, development keys generated. */
    development: z.boolean().default(false),
    host: z.string().min(1).max(255).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8080),
    /**
     * The operator listener (/readyz, /metrics, /healthz): loopback by default, so readiness and
     * metrics are not on the public port. Its port defaults to the public port + 1.
     */
    operator: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().min(1).max(255).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).optional(),
      })
      .strict()
      .default({ enabled: true, host: '127.0.0.1' }),
    /** Folder for the SQLite file, the mail outbox and the development keys. */
    dataDir: z.string().min(1).max(4096).default('data'),
    tls: z
      .object({ certFile: z.string().min(1).max(4096), keyFile: z.string().min(1).max(4096) })
      .strict()
      .optional(),
    logLevel: logLevelSchema.default('info'),
    /** How long shutdown waits for in-flight requests before closing their connections. */
    shutdownGraceSeconds: z.number().int().min(1).max(300).default(10),
    http: httpSettingsSchema.default(httpSettingsSchema.parse({})),
    /** How long finished attempts, other dead rows and (when auditDays is set) audit rows are kept. */
    retention: retentionSettingsSchema.default(DEFAULT_RETENTION),
    security: z.unknown().optional(),
    storage: z.unknown().optional(),
    mail: z.unknown().optional(),
    keys: z.unknown().optional(),
    help: z.unknown().optional(),
    delivery: z.unknown().optional(),
    notify: z.unknown().optional(),
    verification: z.unknown().optional(),
    publicUrl: z.unknown().optional(),
    /** The service desk console (server/console/console-settings.ts), checked in a second stage. */
    console: z.unknown().optional(),
  })
  .strict();

/** A certificate and key, read and checked at start. */
export interface TlsMaterial {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Where the operator listener listens (same TLS as the public one). */
interface OperatorListenerSettings {
  readonly host: string;
  /** 0: any free port (when the public port is 0 too, as in tests). */
  readonly port: number;
}

/** The parsed settings of the server and the admin CLI. */
export interface ServerSettings {
  readonly development: boolean;
  readonly host: string;
  readonly port: number;
  /** Undefined when turned off (operator.enabled false): no readiness or metrics endpoint. */
  readonly operator: OperatorListenerSettings | undefined;
  /** Absolute. */
  readonly dataDir: string;
  readonly tls: TlsMaterial | undefined;
  readonly logLevel: LogLevel;
  readonly shutdownGraceSeconds: number;
  readonly http: HttpSettings;
  readonly retention: RetentionSettings;
  readonly core: ServerCoreSettings;
  /** The service desk console's sign-in and sessions; undefined when the console is off. */
  readonly console: ConsoleSettings | undefined;
  /** Set when the keys are the generated development keys (to warn about them). */
  readonly developmentKeysFile: string | undefined;
  /** Where a setting's value came from, e.g. for a database that refuses storage.url at start. */
  readonly sourceOf: (setting: string) => string;
}

/** One setting at fault: its dotted name, where its value came from, and what is wrong. */
export interface SettingIssue {
  readonly setting: string;
  readonly source: string;
  readonly message: string;
}

/** Why the settings were refused, worded for the person starting the server. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly SettingIssue[]) {
    super(
      [
        'The server cannot start: its settings are not valid.',
        ...issues.map((i) => `  - ${i.setting} (${i.source}): ${i.message}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Where the settings come from. */
export interface ConfigInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** `--config FILE`; SCU_CONFIG otherwise. */
  readonly configFile?: string;
  /** `--dev` on the command line. */
  readonly development?: boolean;
  /** The admin CLI does not serve HTTP, so the transport rule does not apply to it. */
  readonly purpose: 'server' | 'admin';
}

type Json = Record<string, unknown>;
type Kind = 'string' | 'number' | 'boolean' | 'trustProxy' | 'keyList';

/** Environment variables and the setting each one sets. */
export const ENVIRONMENT: readonly {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: Kind;
  /** A discriminator the variable implies, e.g. DATABASE_URL implies PostgreSQL. */
  readonly implies?: { readonly section: string; readonly kind: string };
}[] = [
  { name: 'SCU_DEVELOPMENT', path: ['development'], kind: 'boolean' },
  { name: 'HOST', path: ['host'], kind: 'string' },
  { name: 'PORT', path: ['port'], kind: 'number' },
  { name: 'OPERATOR_ENABLED', path: ['operator', 'enabled'], kind: 'boolean' },
  { name: 'OPERATOR_HOST', path: ['operator', 'host'], kind: 'string' },
  { name: 'OPERATOR_PORT', path: ['operator', 'port'], kind: 'number' },
  { name: 'DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'TLS_CERT_FILE', path: ['tls', 'certFile'], kind: 'string' },
  { name: 'TLS_KEY_FILE', path: ['tls', 'keyFile'], kind: 'string' },
  { name: 'LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { name: 'TRUST_PROXY', path: ['http', 'trustProxy'], kind: 'trustProxy' },
  {
    name: 'DATABASE_URL',
    path: ['storage', 'url'],
    kind: 'string',
    implies: { section: 'storage', kind: 'postgres' },
  },
  { name: 'DATABASE_POOL_SIZE', path: ['storage', 'poolSize'], kind: 'number' },
  { name: 'DATABASE_CONNECT_TIMEOUT_MS', path: ['storage', 'connectTimeoutMs'], kind: 'number' },
  {
    name: 'DATABASE_STATEMENT_TIMEOUT_MS',
    path: ['storage', 'statementTimeoutMs'],
    kind: 'number',
  },
  {
    name: 'SMTP_HOST',
    path: ['mail', 'host'],
    kind: 'string',
    implies: { section: 'mail', kind: 'smtp' },
  },
  { name: 'SMTP_PORT', path: ['mail', 'port'], kind: 'number' },
  { name: 'SMTP_SECURE', path: ['mail', 'secure'], kind: 'boolean' },
  { name: 'SMTP_USER', path: ['mail', 'auth', 'user'], kind: 'string' },
  { name: 'SMTP_PASS', path: ['mail', 'auth', 'pass'], kind: 'string' },
  { name: 'MAIL_FROM', path: ['mail', 'from'], kind: 'string' },
  { name: 'SCU_KEY_ENCRYPTION_KEYS', path: ['keys', 'keyEncryptionKeys'], kind: 'keyList' },
  { name: 'SCU_ACTIVE_KEY_ID', path: ['keys', 'activeKeyId'], kind: 'string' },
  { name: 'SCU_ANSWER_PEPPER', path: ['keys', 'answerPepper'], kind: 'string' },
  { name: 'SCU_NOTIFY_API_KEY', path: ['notify', 'apiKey'], kind: 'string' },
  { name: 'SCU_HELP_PHONE', path: ['help', 'phone'], kind: 'string' },
  { name: 'SCU_HELP_WALK_IN', path: ['help', 'walkIn'], kind: 'string' },
  { name: 'SCU_PUBLIC_URL', path: ['publicUrl'], kind: 'string' },
  { name: 'SCU_CONSOLE_ENABLED', path: ['console', 'enabled'], kind: 'boolean' },
  { name: 'SCU_CONSOLE_ISSUER', path: ['console', 'issuer'], kind: 'string' },
  { name: 'SCU_CONSOLE_CLIENT_ID', path: ['console', 'clientId'], kind: 'string' },
  { name: 'SCU_CONSOLE_CLIENT_SECRET', path: ['console', 'clientSecret'], kind: 'string' },
  { name: 'SCU_CONSOLE_CLIENT_SECRET_FILE', path: ['console', 'clientSecretFile'], kind: 'string' },
  { name: 'SCU_CONSOLE_URL', path: ['console', 'url'], kind: 'string' },
  { name: 'SCU_CONSOLE_ROLE_CLAIM', path: ['console', 'roleClaim'], kind: 'string' },
  { name: 'SCU_CONSOLE_DESK_ROLE', path: ['console', 'deskRole'], kind: 'string' },
  { name: 'SCU_CONSOLE_RA_ROLE', path: ['console', 'raRole'], kind: 'string' },
];

/** A number when the text is one; otherwise the text, so zod reports the type with its source. */
function envValue(text: string, kind: Kind): unknown {
  const t = text.trim();
  switch (kind) {
    case 'string':
      return text;
    case 'number':
      return /^\d+$/.test(t) ? Number(t) : text;
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(t)) return true;
      if (/^(false|0|no|off)$/i.test(t)) return false;
      return text;
    case 'trustProxy':
      if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
      return /^\d+$/.test(t) ? Number(t) : t;
    case 'keyList':
      // `id=base64,id2=base64`: base64 has `=` padding, so split on the first `=` only.
      return Object.fromEntries(
        t
          .split(',')
          .filter((part) => part.trim() !== '')
          .map((part) => {
            const at = part.indexOf('=');
            return at === -1
              ? [part.trim(), '']
              : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
          }),
      );
  }
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Records where each setting's value came from, by dotted path. */
class Sources {
  private readonly byPath = new Map<string, string>();

  /** Marks every leaf of a value as coming from one source. */
  mark(path: readonly string[], value: unknown, source: string): void {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) this.mark([...path, k], v, source);
    } else {
      this.byPath.set(path.join('.'), source);
    }
  }

  /** Forgets a section's sources (when the environment replaces it). */
  forget(section: string): void {
    for (const key of [...this.byPath.keys()]) {
      if (key === section || key.startsWith(`${section}.`)) this.byPath.delete(key);
    }
  }

  /** The source of a setting, of its nearest parent, or of its children. */
  describe(path: string): string {
    for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const found = this.byPath.get(p);
      if (found !== undefined) return found;
    }
    const children = [...this.byPath].filter(([k]) => k.startsWith(`${path}.`)).map(([, s]) => s);
    const unique = [...new Set(children)];
    return unique.length > 0 ? unique.join(', ') : 'not set';
  }

  /** The settings under a section that have a source. */
  setUnder(section: string): string[] {
    return [...this.byPath.keys()].filter((k) => k.startsWith(`${section}.`));
  }
}

/** Overlays `over` onto `base`, object by object. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? merge(b, v) : v;
  }
  return out;
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = isObject(target[head]) ? target[head] : {};
  target[head] = child;
  setPath(child, rest, value);
}

/** The environment's settings as a partial settings object, with their sources. */
function fromEnvironment(env: ConfigInput['env']): {
  readonly values: Json;
  readonly implied: Record<string, string>;
} {
  const values: Json = {};
  const implied: Record<string, string> = {};
  for (const variable of ENVIRONMENT) {
    const text = env[variable.name];
    if (text === undefined || text === '') continue;
    setPath(values, variable.path, envValue(text, variable.kind));
    if (variable.implies !== undefined) {
      implied[variable.implies.section] = variable.implies.kind;
      setPath(values, [variable.implies.section, 'kind'], variable.implies.kind);
    }
  }
  return { values, implied };
}

/** Reads and parses the JSON file; a problem is an issue naming the file. */
function readConfigFile(file: string, source: string): Result<Json, SettingIssue> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(e);
    return err({ setting: 'config file', source, message: `${file} cannot be read: ${reason}.` });
  }
  if (jsonTextExceedsLimits(text, FILE_JSON_LIMITS)) {
    return err({
      setting: 'config file',
      source,
      message: `${file} nests deeper than ${FILE_JSON_LIMITS.maxDepth} levels: no setting does.`,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) {
      return err({ setting: 'config file', source, message: `${file} must hold a JSON object.` });
    }
    return ok(parsed);
  } catch (e) {
    return err({
      setting: 'config file',
      source,
      message: `${file} is not valid JSON: ${(e as Error).message}.`,
    });
  }
}

/** What the issue wording (config-issues.ts) needs: the parsed input and where each value came from. */
function issueContext(
  input: unknown,
  sources: Sources,
  configFile: string | undefined,
): IssueContext {
  return {
    input,
    configFile,
    sourceOf: (setting) => sources.describe(setting),
    setUnder: (section) => sources.setUnder(section),
    // The variable that sets the setting, or the whole value holding it (SCU_KEY_ENCRYPTION_KEYS).
    variableOf: (setting) =>
      ENVIRONMENT.find((v) => {
        const path = v.path.join('.');
        return setting === path || setting.startsWith(`${path}.`);
      })?.name,
    kindChosenBy: (section) =>
      ENVIRONMENT.flatMap((v) =>
        v.implies?.section === section ? [{ name: v.name, kind: v.implies.kind }] : [],
      ),
  };
}

/** Resolves a path from the settings against the working directory. */
const absolute = (cwd: string, path: string): string =>
  isAbsolute(path) ? path : resolve(cwd, path);

/** A 32-byte key in base64, as the key settings take it. */
const newKey = (): string => randomBytes(32).toString('base64');

/**
 * The development keys under the data folder: read when present, generated (mode 0600) when not.
 * Never used outside development mode.
 */
function developmentKeys(
  dataDir: string,
): Result<{ keys: KeySettings; file: string }, SettingIssue> {
  const file = join(dataDir, 'development-keys.json');
  const source = `development keys file ${file}`;
  if (!existsSync(file)) {
    const keys = {
      keyEncryptionKeys: { dev: newKey() },
      activeKeyId: 'dev',
      answerPepper: newKey(),
    };
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const read = readConfigFile(file, source);
  if (!read.ok) return read;
  const parsed = keySettingsSchema.safeParse(read.value);
  if (!parsed.success) {
    return err({
      setting: 'keys',
      source,
      message: `the file is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); delete it to generate new development keys (every registration made with the old ones is lost).`,
    });
  }
  return ok({ keys: parsed.data, file });
}

/** Reads the certificate and key and checks that they belong together. */
function loadTls(
  tls: { certFile: string; keyFile: string },
  cwd: string,
  sources: Sources,
): Result<TlsMaterial, SettingIssue[]> {
  const certFile = absolute(cwd, tls.certFile);
  const keyFile = absolute(cwd, tls.keyFile);
  const issues: SettingIssue[] = [];
  const read = (file: string, setting: string): Buffer | undefined => {
    try {
      return readFileSync(file);
    } catch (e) {
      issues.push({
        setting,
        source: sources.describe(setting),
        message: `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`,
      });
      return undefined;
    }
  };
  const cert = read(certFile, 'tls.certFile');
  const key = read(keyFile, 'tls.keyFile');
  if (cert === undefined || key === undefined) return err(issues);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return err([
      {
        setting: 'tls.certFile',
        source: sources.describe('tls.certFile'),
        message: `${certFile} is not a PEM or DER certificate.`,
      },
    ]);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) {
      return err([
        {
          setting: 'tls.keyFile',
          source: sources.describe('tls.keyFile'),
          message: `${keyFile} is not the private key of ${certFile}.`,
        },
      ]);
    }
  } catch {
    return err([
      {
        setting: 'tls.keyFile',
        source: sources.describe('tls.keyFile'),
        message: `${keyFile} is not an unencrypted PEM private key.`,
      },
    ]);
  }
  return ok({ certFile, keyFile, cert, key });
}

const PLAIN_HTTP_REFUSED =
  'plain HTTP is refused outside development. Set tls.certFile and tls.keyFile (or TLS_CERT_FILE and TLS_KEY_FILE) to serve HTTPS, or, for development only, start with --dev (or SCU_DEVELOPMENT=true).';

const MAIL_NEEDED =
  'production sends each Smartcard Unlock Code by email, so it needs an SMTP server: set SMTP_HOST (and SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASS, MAIL_FROM as needed) or "mail" in the config file. Without it every code would go to a local folder and no holder would receive one. For an offline trial, set "mail": {"kind": "outbox", "dir": ...} in the config file on purpose.';

const PRINT_CODES_REFUSED =
  'printing unlock codes is for development only: it would put every code in the server log. Remove mail.printCodes, or start with --dev (or SCU_DEVELOPMENT=true).';

const HELP_NEEDED =
  'production names its own IT service desk in every error and email: set SCU_HELP_PHONE (the number staff call, such as x4050) and SCU_HELP_WALK_IN (where they can go, worded to follow "visit", such as "the IT walk in centres at City or Sandwell site"), or "help": {"phone": ..., "walkIn": ...} in the config file. The built-in contacts are only for the demo: they name the desk of another trust.';

const PUBLIC_URL_NEEDED =
  'production puts a "This wasn\'t me" link in every unlock notice, so it needs the address holders reach this server at, from wherever they read their email and texts: set SCU_PUBLIC_URL (such as https://smartcard-unlock.example.nhs.uk) or "publicUrl" in the config file. If holders cannot reach the server from there, turn the link off instead: "security": {"notMeLink": {"enabled": false}}.';

const PUBLIC_URL_NOT_HTTPS =
  'must be an https:// address outside development: the link carries a token that freezes self-service for a card. Give the address of the HTTPS listener or of the reverse proxy in front of it.';

/** The development address of the links in notices: this server on its own listener. */
function developmentPublicUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

const KEYS_NEEDED =
  'production needs its own key-encryption key and answer pepper. Set SCU_KEY_ENCRYPTION_KEYS=main=<key>, SCU_ACTIVE_KEY_ID=main and SCU_ANSWER_PEPPER=<key> (each key from `openssl rand -base64 32`), or "keys" in the config file. For development only, --dev generates them.';

/**
 * The operator listener's address: its port defaults to the public port + 1 (0 stays 0, so tests
 * on free ports get two free ports), and may not be the public port.
 */
function operatorListener(
  t: z.infer<typeof topLevelSchema>,
  sources: Sources,
): Result<OperatorListenerSettings | undefined, SettingIssue> {
  if (!t.operator.enabled) return ok(undefined);
  const port = t.operator.port ?? (t.port === 0 ? 0 : t.port + 1);
  const issue = (message: string): Result<never, SettingIssue> =>
    err({ setting: 'operator.port', source: sources.describe('operator.port'), message });
  if (port > 65_535) {
    return issue(
      'the default (the public port + 1) is past 65535: set operator.port (or OPERATOR_PORT), or operator.enabled false.',
    );
  }
  if (port !== 0 && port === t.port) {
    return issue(
      `is the public port (${t.port}): readiness and metrics need a listener of their own. Choose another port, or set operator.enabled false (or OPERATOR_ENABLED=false).`,
    );
  }
  return ok({ host: t.operator.host, port });
}

/** The console's section, checked; its faults worded as every other setting's. */
function loadConsole(
  t: z.infer<typeof topLevelSchema>,
  cwd: string,
  sources: Sources,
  configFile: string | undefined,
): Result<ConsoleSettings | undefined, SettingIssue[]> {
  const input = { console: t.console };
  const parsed = consoleSettingsInputSchema.safeParse(input);
  if (!parsed.success) {
    return err(settingIssuesOf(parsed.error, issueContext(input, sources, configFile)));
  }
  const resolved = resolveConsoleSettings(parsed.data.console, {
    development: t.development,
    cwd,
    operatorListener: t.operator.enabled,
  });
  if (resolved.ok) return resolved;
  return err(resolved.error.map((i) => ({ ...i, source: sources.describe(i.setting) })));
}

/**
 * Builds the settings from their sources, or says every setting at fault. Creates the data
 * folder (SQLite needs it) and, in development only, the development keys inside it.
 */
export function loadConfig(input: ConfigInput): Result<ServerSettings, ConfigError> {
  const sources = new Sources();
  const configFile = input.configFile ?? input.env.SCU_CONFIG;
  let merged: Json = {};
  let fileInUse: string | undefined;
  if (configFile !== undefined && configFile !== '') {
    const file = absolute(input.cwd, configFile);
    fileInUse = file;
    const fileSource = `config file ${file}`;
    const read = readConfigFile(
      file,
      input.configFile !== undefined ? '--config' : 'environment variable SCU_CONFIG',
    );
    if (!read.ok) return err(new ConfigError([read.error]));
    merged = read.value;
    sources.mark([], merged, fileSource);
  }
  const env = fromEnvironment(input.env);
  for (const [section, kind] of Object.entries(env.implied)) {
    const current = merged[section];
    if (isObject(current) && current.kind !== kind) {
      // The environment picks another kind: the file's section for the old kind no longer applies.
      merged = { ...merged, [section]: undefined };
      sources.forget(section);
    }
  }
  for (const variable of ENVIRONMENT) {
    const text = input.env[variable.name];
    if (text === undefined || text === '') continue;
    sources.mark(variable.path, null, `environment variable ${variable.name}`);
    if (variable.implies !== undefined) {
      sources.mark(
        [variable.implies.section, 'kind'],
        null,
        `environment variable ${variable.name}`,
      );
    }
  }
  merged = merge(merged, env.values);
  if (input.development === true) {
    merged.development = true;
    sources.mark(['development'], null, '--dev');
  }

  const top = topLevelSchema.safeParse(merged);
  if (!top.success) {
    return err(
      new ConfigError(settingIssuesOf(top.error, issueContext(merged, sources, fileInUse))),
    );
  }
  const t = top.data;
  const dataDir = absolute(input.cwd, t.dataDir);
  const issues: SettingIssue[] = [];

  try {
    // The database, keys and outbox live here: only the server's own user may look in.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    issues.push({
      setting: 'dataDir',
      source: sources.describe('dataDir'),
      message: `${dataDir} cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)}).`,
    });
    return err(new ConfigError(issues));
  }

  const operator = operatorListener(t, sources);
  if (!operator.ok) issues.push(operator.error);
  const consoleSettings = loadConsole(t, input.cwd, sources, fileInUse);
  if (!consoleSettings.ok) issues.push(...consoleSettings.error);

  let tls: TlsMaterial | undefined;
  if (t.tls !== undefined) {
    const loaded = loadTls(t.tls, input.cwd, sources);
    if (loaded.ok) tls = loaded.value;
    else issues.push(...loaded.error);
  } else if (!t.development && input.purpose === 'server') {
    issues.push({ setting: 'tls', source: sources.describe('tls'), message: PLAIN_HTTP_REFUSED });
  }

  let storage = t.storage ?? { kind: 'sqlite', file: join(dataDir, 'smartcard-unlock.sqlite') };
  if (isObject(storage) && storage.kind === 'sqlite' && typeof storage.file === 'string') {
    storage = { ...storage, file: absolute(input.cwd, storage.file) };
  }
  // Email through Notify needs no SMTP server: the outbox default then carries nothing.
  const emailByNotify = isObject(t.delivery) && t.delivery.email === 'notify';
  if (t.mail === undefined && !t.development && input.purpose === 'server' && !emailByNotify) {
    issues.push({ setting: 'mail', source: sources.describe('mail'), message: MAIL_NEEDED });
  }
  if (t.help === undefined && !t.development && input.purpose === 'server') {
    issues.push({ setting: 'help', source: sources.describe('help'), message: HELP_NEEDED });
  }
  if (isObject(t.mail) && t.mail.printCodes === true && !t.development) {
    issues.push({
      setting: 'mail.printCodes',
      source: sources.describe('mail.printCodes'),
      message: PRINT_CODES_REFUSED,
    });
  }
  let mail = t.mail ?? { kind: 'outbox', dir: join(dataDir, 'outbox'), printCodes: t.development };
  if (isObject(mail) && mail.kind === 'outbox' && typeof mail.dir === 'string') {
    const dir = absolute(input.cwd, mail.dir);
    mail = { ...mail, dir };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  let keys = t.keys;
  let developmentKeysFile: string | undefined;
  if (keys === undefined) {
    if (t.development) {
      const generated = developmentKeys(dataDir);
      if (generated.ok) {
        keys = generated.value.keys;
        developmentKeysFile = generated.value.file;
      } else {
        issues.push(generated.error);
      }
    } else {
      issues.push({ setting: 'keys', source: sources.describe('keys'), message: KEYS_NEEDED });
    }
  }

  const coreInput = {
    ...(t.security === undefined ? {} : { security: t.security }),
    storage,
    mail,
    keys,
    ...(t.help === undefined ? {} : { help: t.help }),
    ...(t.delivery === undefined ? {} : { delivery: t.delivery }),
    ...(t.notify === undefined ? {} : { notify: t.notify }),
    ...(t.verification === undefined ? {} : { verification: t.verification }),
    ...(t.publicUrl === undefined
      ? t.development
        ? { publicUrl: developmentPublicUrl(t.host, t.port) }
        : {}
      : { publicUrl: t.publicUrl }),
  };
  const core = serverCoreSettingsSchema.safeParse(coreInput);
  // Production's notices link to this server: it must know where holders reach it, over HTTPS.
  if (core.success && !t.development && input.purpose === 'server') {
    const { publicUrl } = core.data;
    const issue = (message: string) =>
      issues.push({ setting: 'publicUrl', source: sources.describe('publicUrl'), message });
    if (core.data.security.notMeLink.enabled && publicUrl === undefined) issue(PUBLIC_URL_NEEDED);
    if (publicUrl?.startsWith('http:') === true) issue(PUBLIC_URL_NOT_HTTPS);
  }
  if (!core.success) {
    issues.push(
      ...settingIssuesOf(core.error, issueContext(coreInput, sources, fileInUse)).filter(
        (i) => !(i.setting.startsWith('keys') && keys === undefined),
      ),
    );
  }
  if (issues.length > 0 || !core.success || !operator.ok || !consoleSettings.ok) {
    return err(new ConfigError(issues));
  }

  return ok({
    development: t.development,
    host: t.host,
    port: t.port,
    operator: operator.value,
    dataDir,
    tls,
    logLevel: t.logLevel,
    shutdownGraceSeconds: t.shutdownGraceSeconds,
    http: t.http,
    retention: t.retention,
    core: core.data,
    console: consoleSettings.value,
    developmentKeysFile,
    sourceOf: (setting) => sources.describe(setting),
  });
}

/** What the server logs about its settings at start: no secret, no password in a URL. */
export function describeSettings(settings: ServerSettings): Record<string, unknown> {
  const storage = settings.core.storage;
  const mail = settings.core.mail;
  const notify = settings.core.notify;
  return {
    development: settings.development,
    listen: `${settings.tls ? 'https' : 'http'}://${settings.host}:${settings.port}`,
    operatorListen:
      settings.operator === undefined
        ? 'disabled'
        : `${settings.tls ? 'https' : 'http'}://${settings.operator.host}:${settings.operator.port}`,
    dataDir: settings.dataDir,
    storage:
      storage.kind === 'sqlite'
        ? { kind: 'sqlite', file: storage.file }
        : { kind: 'postgres', host: safeHost(storage.url), poolSize: storage.poolSize },
    mail:
      mail.kind === 'smtp'
        ? { kind: 'smtp', host: mail.host, port: mail.port }
        : { kind: 'outbox', dir: mail.dir },
    delivery: settings.core.delivery,
    verification: settings.core.verification,
    // Where Notify is and which templates are set; never the API key.
    ...(notify === undefined
      ? {}
      : {
          notify: {
            baseUrl: notify.baseUrl,
            timeoutMs: notify.timeoutMs,
            templates: Object.keys(notify.templates),
          },
        }),
    activeKeyId: settings.core.keys.activeKeyId,
    trustProxy: settings.http.trustProxy,
    connections: settings.http.connections,
    retention: settings.retention,
    help: settings.core.help,
    publicUrl: settings.core.publicUrl ?? 'not set: notices carry no link',
    // The provider and the console's address; never the client secret.
    console:
      settings.console === undefined
        ? 'off'
        : {
            issuer: settings.console.issuer.href,
            clientId: settings.console.clientId,
            url: settings.console.url?.origin ?? "each request's own origin (development)",
            roleClaim: settings.console.roleClaim,
            idleTimeoutMinutes: settings.console.idleTimeoutMs / 60_000,
            sessionLifetimeHours: settings.console.lifetimeMs / 3_600_000,
          },
  };
}

/** The host and database of a PostgreSQL URL, without user or password. */
function safeHost(url: string): string {
  const target = postgresTarget(url);
  return target === undefined
    ? '(unparsable URL)'
    : `${target.host}:${target.port}/${target.database}`;
}
