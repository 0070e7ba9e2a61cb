import { spawnSync } from 'node:child_process';
import { err, ok, type Result } from '../../shared/result';
import type { SettingSource, SettingsProblem } from './load-settings';
import { SETTING_NAMES, SETTINGS, type SettingName } from './settings-schema';

/**
 * Windows Group Policy as a settings source: the values under `HKLM\SOFTWARE\Policies\smartcard-unlock`
 * (written by the ADMX template in deploy/windows). Policy is the administrator's word, so it wins
 * over every source the user controls (docs/deployment.md, "Precedence").
 */

/** The policy key the app reads and the ADMX template writes. */
export const POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\smartcard-unlock';

/** One registry value as `reg query` prints it. */
export interface RegistryValue {
  readonly name: string;
  readonly type: string;
  /** The text `reg query` printed (REG_DWORD as `0x1`). */
  readonly data: string;
}

/**
 * Where policy values come from: the real registry on Windows, a fake in tests. `null` when the
 * key does not exist (no policy set); an error string when it exists but cannot be read.
 */
export interface PolicySource {
  readonly key: string;
  read(): Result<readonly RegistryValue[] | null, string>;
}

/** A setting's value from policy, checked against its zod schema. */
interface PolicyLayer {
  readonly values: { readonly [K in SettingName]?: unknown };
  readonly sourceOf: (name: SettingName) => SettingSource;
}

const VALUE_LINE = /^\s{2,}(\S(?:.*?\S)?)\s{2,}(REG_[A-Z_]+)(?:\s{2,}(.*))?$/;

/** Parses the output of `reg query KEY` (one value per indented line: name, type, data). */
export function parseRegQueryOutput(text: string): readonly RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line);
    if (match === null) continue;
    values.push({ name: match[1]!, type: match[2]!, data: (match[3] ?? '').trimEnd() });
  }
  return values;
}

/** The real source: `reg query` on Windows (64-bit view, so a 32-bit build reads the same key). */
function regQueryPolicySource(key: string = POLICY_KEY): PolicySource {
  return {
    key,
    read() {
      const run = spawnSync('reg', ['query', key, '/reg:64'], {
        encoding: 'utf8',
        windowsHide: true,
        timeout: 5000,
      });
      if (run.error !== undefined) return err(`reg query could not run (${run.error.message})`);
      // reg exits 1 when the key is absent: no policy is set, which is normal.
      if (run.status === 1 && /unable to find/i.test(run.stderr)) return ok(null);
      if (run.status !== 0) return err(`reg query failed: ${run.stderr.trim().slice(0, 200)}`);
      return ok(parseRegQueryOutput(run.stdout));
    },
  };
}

/** The policy source for this platform: the registry on Windows, none elsewhere. */
export function platformPolicySource(platform: NodeJS.Platform): PolicySource | undefined {
  return platform === 'win32' ? regQueryPolicySource() : undefined;
}

/** A registry value as the setting's type: DWORDs become numbers or booleans, strings stay. */
function registryToSetting(name: SettingName, value: RegistryValue): unknown {
  const coerce = SETTINGS[name].coerce;
  if (value.type === 'REG_DWORD' || value.type === 'REG_QWORD') {
    const number = Number.parseInt(value.data, 16);
    if (coerce === 'boolean') return number === 1 ? true : number === 0 ? false : number;
    return number;
  }
  if (value.type === 'REG_SZ' || value.type === 'REG_EXPAND_SZ') {
    if (coerce === 'string') return value.data === '' ? null : value.data;
    if (coerce === 'integer' && /^\s*\d+\s*$/.test(value.data)) return Number(value.data);
    if (coerce === 'boolean' && /^(0|1|true|false)$/i.test(value.data.trim())) {
      return /^(1|true)$/i.test(value.data.trim());
    }
  }
  return `${value.type} ${value.data}`;
}

/** Reads the policy key into a settings layer; an unreadable key or bad value names itself. */
export function readPolicyLayer(source: PolicySource): Result<PolicyLayer | null, SettingsProblem> {
  const read = source.read();
  const keySource = (value: string): SettingSource => ({ kind: 'policy', key: source.key, value });
  if (!read.ok) {
    return err({
      setting: 'policy',
      source: keySource('(key)'),
      fix: `The policy key cannot be read (${read.error}). Ask IT to check the Group Policy settings.`,
    });
  }
  if (read.value === null) return ok(null);
  const values: { [K in SettingName]?: unknown } = {};
  for (const entry of read.value) {
    if (entry.name === '(Default)') continue;
    const name = SETTING_NAMES.find((n) => n === entry.name);
    if (name === undefined) {
      const near = SETTING_NAMES.find((n) => n.toLowerCase() === entry.name.toLowerCase());
      return err({
        setting: entry.name,
        source: keySource(entry.name),
        fix: near
          ? `There is no setting "${entry.name}". Did you mean "${near}"?`
          : `There is no setting "${entry.name}". Known settings: ${SETTING_NAMES.join(', ')}.`,
      });
    }
    const parsed = SETTINGS[name].schema.safeParse(registryToSetting(name, entry));
    if (!parsed.success) {
      return err({
        setting: name,
        source: keySource(name),
        fix: `The policy value (${entry.type}) is not valid. Set it to ${SETTINGS[name].expected}.`,
      });
    }
    values[name] = parsed.data;
  }
  return ok({ values, sourceOf: (name) => keySource(name) });
}
