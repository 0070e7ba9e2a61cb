import { accessSync, constants, readFileSync } from 'node:fs';
import { FILE_JSON_LIMITS, jsonTextExceedsLimits } from '../../shared/json-limits';
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import { appError, type AppError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { platformPolicySource, readPolicyLayer, type PolicySource } from './registry-policy';
import {
  DEFAULT_SETTINGS,
  SETTING_NAMES,
  SETTINGS,
  type SettingName,
  type Settings,
} from './settings-schema';

/**
 * Reads the settings, later sources winning: machine file, user file, environment, flags, and Group
 * Policy above all (ADR 0011); each value is validated where read and remembers its source.
 */

/** Where a value came from. */
export type SettingSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'machine-file'; readonly path: string }
  | { readonly kind: 'user-file'; readonly path: string }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'command-line'; readonly flag: string }
  /** Windows Group Policy (src/main/settings/registry-policy.ts): wins over every other source. */
  | { readonly kind: 'policy'; readonly key: string; readonly value: string };

/** The settings in force and the source of each. */
export interface ResolvedSettings {
  readonly settings: Settings;
  readonly sources: { readonly [K in SettingName]: SettingSource };
}

/** A bad setting: which, from where, and how to fix it. */
export interface SettingsProblem {
  readonly setting: string;
  readonly source: SettingSource;
  readonly fix: string;
}

/** What the loader reads; every part is explicit so tests use temp files and fake environments. */
export interface SettingsInputs {
  readonly machineFile: string;
  readonly userFile: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly argv: readonly string[];
  /** Windows policy values (HKLM\SOFTWARE\Policies\smartcard-unlock); read last, so policy wins. */
  readonly policy?: PolicySource | undefined;
}

/** The machine-wide file: `%ProgramData%\smartcard-unlock\config.json` or `/etc/smartcard-unlock/config.json`. */
export function machineSettingsPath(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (platform === 'win32') {
    return win32.join(env['ProgramData'] ?? 'C:\\ProgramData', 'smartcard-unlock', 'config.json');
  }
  return '/etc/smartcard-unlock/config.json';
}

/** The per-user file: `%APPDATA%\smartcard-unlock\config.json` or `$XDG_CONFIG_HOME/smartcard-unlock/config.json`. */
export function userSettingsPath(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return win32.join(
      env['APPDATA'] ?? win32.join(home, 'AppData', 'Roaming'),
      'smartcard-unlock',
      'config.json',
    );
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Application Support', 'smartcard-unlock', 'config.json');
  }
  return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), 'smartcard-unlock', 'config.json');
}

/** The inputs for this process: its platform's files, its environment and its arguments. */
export function processSettingsInputs(): SettingsInputs {
  return {
    machineFile: machineSettingsPath(process.platform, process.env),
    userFile: userSettingsPath(process.platform, process.env),
    env: process.env,
    argv: process.argv.slice(1),
    policy: platformPolicySource(process.platform),
  };
}

/** One line naming a source, as the error and diagnostics screens show it. */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'default':
      return 'the built-in default';
    case 'machine-file':
      return `the machine-wide settings file ${source.path}`;
    case 'user-file':
      return `your personal settings file ${source.path}`;
    case 'environment':
      return `the environment variable ${source.variable}`;
    case 'command-line':
      return `the command-line flag ${source.flag}`;
    case 'policy':
      return `the Group Policy value ${source.value} under ${source.key}`;
  }
}

/** The error screen's value for a settings problem. */
export function settingsProblemToAppError(problem: SettingsProblem): AppError {
  return appError('SETTINGS_INVALID', {
    field: problem.setting.slice(0, 200),
    source: describeSource(problem.source).slice(0, 500),
    fix: problem.fix.slice(0, 1000),
  });
}

type Partial = { -readonly [K in SettingName]?: unknown };
type Layer = { readonly values: Partial; readonly sourceOf: (name: SettingName) => SettingSource };

const isSettingName = (key: string): key is SettingName => Object.hasOwn(SETTINGS, key);

/** Shows a value in an error without flooding the screen. */
const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function checkValue(
  name: SettingName,
  value: unknown,
  source: SettingSource,
): Result<unknown, SettingsProblem> {
  const parsed = SETTINGS[name].schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  return err({
    setting: name,
    source,
    fix: `The value ${shown(value)} is not valid here. Set it to ${SETTINGS[name].expected}.`,
  });
}

function readFileLayer(
  path: string,
  kind: 'machine-file' | 'user-file',
): Result<Layer | null, SettingsProblem> {
  const source: SettingSource = { kind, path };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
    return err({
      setting: 'config.json',
      source,
      fix: `The file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check that it exists and that everyone may read it.`,
    });
  }
  if (jsonTextExceedsLimits(text, FILE_JSON_LIMITS)) {
    return err({
      setting: 'config.json',
      source,
      fix: `The file nests deeper than ${FILE_JSON_LIMITS.maxDepth} levels: no setting does. Correct it, or remove it to use the defaults.`,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return err({
      setting: 'config.json',
      source,
      fix: `The file is not valid JSON (${(error as Error).message}). Correct it, or remove it to use the defaults.`,
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return err({
      setting: 'config.json',
      source,
      fix: 'The file must hold one JSON object, such as { "serverUrl": "https://..." }.',
    });
  }
  const values: Partial = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema' || key.startsWith('//')) continue; // comments and editor hints
    if (!isSettingName(key)) {
      const near = SETTING_NAMES.find((name) => name.toLowerCase() === key.toLowerCase());
      return err({
        setting: key,
        source,
        fix: near
          ? `There is no setting "${key}". Did you mean "${near}"?`
          : `There is no setting "${key}". Known settings: ${SETTING_NAMES.join(', ')}.`,
      });
    }
    const checked = checkValue(key, value, source);
    if (!checked.ok) return checked;
    values[key] = checked.value;
  }
  return ok({ values, sourceOf: () => source });
}

function coerce(name: SettingName, raw: string): unknown {
  switch (SETTINGS[name].coerce) {
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      return raw;
    }
    case 'integer':
      return /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
    case 'string':
      return raw === '' ? null : raw;
  }
}

function readEnvLayer(env: SettingsInputs['env']): Result<Layer, SettingsProblem> {
  const values: Partial = {};
  for (const name of SETTING_NAMES) {
    const raw = env[SETTINGS[name].env];
    if (raw === undefined) continue;
    const source: SettingSource = { kind: 'environment', variable: SETTINGS[name].env };
    const checked = checkValue(name, coerce(name, raw), source);
    if (!checked.ok) return checked;
    values[name] = checked.value;
  }
  return ok({
    values,
    sourceOf: (name) => ({ kind: 'environment', variable: SETTINGS[name].env }),
  });
}

function readFlagLayer(argv: readonly string[]): Result<Layer, SettingsProblem> {
  const values: Partial = {};
  const flags = new Map(SETTING_NAMES.map((name) => [SETTINGS[name].flag, name]));
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const negated = flag.startsWith('--no-') ? flags.get(`--${flag.slice(5)}`) : undefined;
    const name = flags.get(flag) ?? negated;
    if (name === undefined) continue; // Electron and Chromium add flags of their own.
    const source: SettingSource = { kind: 'command-line', flag: SETTINGS[name].flag };
    let raw: string;
    if (negated !== undefined) raw = 'false';
    else if (eq !== -1) raw = arg.slice(eq + 1);
    else if (SETTINGS[name].coerce === 'boolean') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        return err({
          setting: name,
          source,
          fix: `The flag needs a value: ${SETTINGS[name].flag}=<${SETTINGS[name].expected}>.`,
        });
      }
      raw = next;
      i += 1;
    }
    const checked = checkValue(name, coerce(name, raw), source);
    if (!checked.ok) return checked;
    values[name] = checked.value;
  }
  return ok({ values, sourceOf: (name) => ({ kind: 'command-line', flag: SETTINGS[name].flag }) });
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Rules across settings, checked on the merged result so the error names the winning source. */
function checkCombined(resolved: ResolvedSettings): Result<ResolvedSettings, SettingsProblem> {
  const { settings, sources } = resolved;
  const url = new URL(settings.serverUrl);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !settings.development) {
    return err({
      setting: 'serverUrl',
      source: sources.serverUrl,
      fix: `The server address ${shown(settings.serverUrl)} uses plain http, which is allowed only on this computer (127.0.0.1) or in development. Use its https:// address.`,
    });
  }
  if (settings.caCertificateFile !== null) {
    try {
      accessSync(settings.caCertificateFile, constants.R_OK);
    } catch {
      return err({
        setting: 'caCertificateFile',
        source: sources.caCertificateFile,
        fix: `The file ${shown(settings.caCertificateFile)} cannot be read. Set it to ${SETTINGS.caCertificateFile.expected}, or remove the setting.`,
      });
    }
    if (url.protocol !== 'https:') {
      return err({
        setting: 'caCertificateFile',
        source: sources.caCertificateFile,
        fix: 'A pinned certificate authority needs an https:// server address (serverUrl).',
      });
    }
  }
  // Pointed at a server elsewhere, the app is deployed: the demo's desk would be another trust's.
  if (!settings.development && !LOOPBACK_HOSTS.has(url.hostname)) {
    for (const name of ['helpPhone', 'helpWalkIn'] as const) {
      if (sources[name].kind !== 'default') continue;
      return err({
        setting: name,
        source: sources[name],
        fix: `This computer uses the server ${shown(settings.serverUrl)}, so it must name your own IT service desk. Set ${name} to ${SETTINGS[name].expected}, in the machine-wide settings file or by Group Policy. The built-in value is only for the demo.`,
      });
    }
  }
  return ok(resolved);
}

/** Loads, validates and merges the four sources; the first bad setting is the error. */
export function loadSettings(inputs: SettingsInputs): Result<ResolvedSettings, SettingsProblem> {
  const layers: Layer[] = [];
  for (const read of [
    () => readFileLayer(inputs.machineFile, 'machine-file'),
    () => readFileLayer(inputs.userFile, 'user-file'),
    () => readEnvLayer(inputs.env),
    () => readFlagLayer(inputs.argv),
    () => (inputs.policy === undefined ? ok(null) : readPolicyLayer(inputs.policy)),
  ]) {
    const layer = read();
    if (!layer.ok) return layer;
    if (layer.value !== null) layers.push(layer.value);
  }
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const sources: Record<string, SettingSource> = Object.fromEntries(
    SETTING_NAMES.map((name) => [name, { kind: 'default' }]),
  );
  for (const layer of layers) {
    for (const name of SETTING_NAMES) {
      if (!Object.hasOwn(layer.values, name)) continue;
      settings[name] = layer.values[name];
      sources[name] = layer.sourceOf(name);
    }
  }
  return checkCombined({
    settings: settings as Settings,
    sources: sources as ResolvedSettings['sources'],
  });
}
