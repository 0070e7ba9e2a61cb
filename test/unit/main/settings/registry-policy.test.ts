import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSource, loadSettings } from '../../../../src/main/settings/load-settings';
import {
  parseRegQueryOutput,
  platformPolicySource,
  POLICY_KEY,
  readPolicyLayer,
  type PolicySource,
  type RegistryValue,
} from '../../../../src/main/settings/registry-policy';
import { err, ok } from '../../../../src/shared/result';

/** A registry that holds the given policy values (or no key at all when `null`). */
function fakeRegistry(values: readonly RegistryValue[] | null): PolicySource {
  return { key: POLICY_KEY, read: () => ok(values) };
}

const sz = (name: string, data: string): RegistryValue => ({ name, type: 'REG_SZ', data });
const dword = (name: string, value: number): RegistryValue => ({
  name,
  type: 'REG_DWORD',
  data: `0x${value.toString(16)}`,
});

/** A trust's own desk: a workstation using a server elsewhere must name one. */
const DESK = { helpPhone: 'x2222', helpWalkIn: 'the IT office in Block B' };

/** Temp machine and user files with the given contents. */
function files(machine: unknown, user: unknown): { machineFile: string; userFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const machineFile = join(dir, 'machine.json');
  const userFile = join(dir, 'user.json');
  writeFileSync(machineFile, JSON.stringify(machine));
  writeFileSync(userFile, JSON.stringify(user));
  return { machineFile, userFile };
}

describe('reg query output', () => {
  it('when reg prints a key with string and DWORD values, then each value is parsed with its type', () => {
    const text = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\smartcard-unlock',
      '    serverUrl    REG_SZ    https://unlock.example.nhs.uk/base path',
      '    requestTimeoutSeconds    REG_DWORD    0x1e',
      '    readerName    REG_SZ    ',
      '',
    ].join('\r\n');
    expect(parseRegQueryOutput(text)).toEqual([
      { name: 'serverUrl', type: 'REG_SZ', data: 'https://unlock.example.nhs.uk/base path' },
      { name: 'requestTimeoutSeconds', type: 'REG_DWORD', data: '0x1e' },
      { name: 'readerName', type: 'REG_SZ', data: '' },
    ]);
  });

  it('when the platform is not Windows, then there is no policy source', () => {
    expect(platformPolicySource('linux')).toBeUndefined();
    expect(platformPolicySource('win32')?.key).toBe(POLICY_KEY);
  });
});

describe('policy layer', () => {
  it('when the key is absent, then policy sets nothing', () => {
    expect(readPolicyLayer(fakeRegistry(null))).toEqual(ok(null));
  });

  it('when DWORDs set a number and a boolean, then they take the settings types', () => {
    const layer = readPolicyLayer(
      fakeRegistry([dword('requestTimeoutSeconds', 30), dword('development', 0)]),
    );
    expect(layer.ok && layer.value?.values).toEqual({
      requestTimeoutSeconds: 30,
      development: false,
    });
  });

  it('when a policy value is out of range, then the problem names the value under the policy key', () => {
    const layer = readPolicyLayer(fakeRegistry([dword('requestTimeoutSeconds', 500)]));
    expect(layer.ok).toBe(false);
    if (layer.ok) return;
    expect(layer.error.setting).toBe('requestTimeoutSeconds');
    expect(describeSource(layer.error.source)).toContain(POLICY_KEY);
    expect(layer.error.fix).toContain('1 to 120');
  });

  it('when a value name is misspelt, then the problem suggests the right name', () => {
    const layer = readPolicyLayer(fakeRegistry([sz('ServerURL', 'https://a.example')]));
    expect(!layer.ok && layer.error.fix).toContain('Did you mean "serverUrl"?');
  });

  it('when the key cannot be read, then the problem says so instead of ignoring policy', () => {
    const layer = readPolicyLayer({ key: POLICY_KEY, read: () => err('access denied') });
    expect(!layer.ok && layer.error.fix).toContain('access denied');
  });
});

describe('precedence of every source', () => {
  it('when all six sources set the server address, then policy wins, then flags, env, user file, machine file, default', () => {
    const url = (who: string) => `https://${who}.example.nhs.uk`;
    const all = {
      ...files({ serverUrl: url('machine'), ...DESK }, { serverUrl: url('user') }),
      env: { SMARTCARD_UNLOCK_SERVER_URL: url('env') },
      argv: [`--server-url=${url('flag')}`],
    };
    const cases = [
      { policy: fakeRegistry([sz('serverUrl', url('policy'))]), winner: 'policy' },
      { policy: fakeRegistry(null), winner: 'flag' },
    ];
    for (const { policy, winner } of cases) {
      const result = loadSettings({ ...all, policy });
      expect(result.ok && result.value.settings.serverUrl).toBe(url(winner));
    }
    const noFlag = loadSettings({ ...all, argv: [], policy: fakeRegistry(null) });
    expect(noFlag.ok && noFlag.value.settings.serverUrl).toBe(url('env'));
    const noEnv = loadSettings({ ...all, argv: [], env: {} });
    expect(noEnv.ok && noEnv.value.settings.serverUrl).toBe(url('user'));
    const machineOnly = loadSettings({
      ...files({ serverUrl: url('machine'), ...DESK }, {}),
      env: {},
      argv: [],
    });
    expect(machineOnly.ok && machineOnly.value.settings.serverUrl).toBe(url('machine'));
    const nothing = loadSettings({ ...files({}, {}), env: {}, argv: [] });
    expect(nothing.ok && nothing.value.sources.serverUrl).toEqual({ kind: 'default' });
  });

  it('when policy sets one setting, then the others keep their own sources', () => {
    const result = loadSettings({
      ...files({ logLevel: 'warn', ...DESK }, {}),
      env: {},
      argv: ['--log-level', 'debug'],
      policy: fakeRegistry([sz('serverUrl', 'https://policy.example.nhs.uk')]),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sources.serverUrl).toEqual({
      kind: 'policy',
      key: POLICY_KEY,
      value: 'serverUrl',
    });
    expect(result.value.settings.logLevel).toBe('debug');
    expect(result.value.sources.logLevel).toEqual({ kind: 'command-line', flag: '--log-level' });
  });

  it('when policy turns development and the virtual reader off, then no flag or variable turns them on', () => {
    const result = loadSettings({
      ...files({ mockReader: true }, {}),
      env: { SMARTCARD_UNLOCK_DEVELOPMENT: 'true' },
      argv: ['--development', '--mock-reader'],
      policy: fakeRegistry([dword('development', 0), dword('mockReader', 0)]),
    });
    expect(result.ok && result.value.settings).toMatchObject({
      development: false,
      mockReader: false,
    });
    expect(result.ok && result.value.sources.development).toEqual({
      kind: 'policy',
      key: POLICY_KEY,
      value: 'development',
    });
  });

  it('when policy names the help contacts, then they win over the files, and satisfy a server elsewhere', () => {
    const result = loadSettings({
      ...files({ serverUrl: 'https://unlock.example.nhs.uk', helpPhone: 'x4050' }, {}),
      env: {},
      argv: [],
      policy: fakeRegistry([
        sz('helpPhone', '0121 496 0000'),
        sz('helpWalkIn', 'the IT office in Block B'),
      ]),
    });
    expect(result.ok && result.value.settings).toMatchObject({
      helpPhone: '0121 496 0000',
      helpWalkIn: 'the IT office in Block B',
    });
    const bad = loadSettings({
      ...files({}, {}),
      env: {},
      argv: [],
      policy: fakeRegistry([sz('helpWalkIn', 'the IT office.')]),
    });
    expect(!bad.ok && bad.error).toMatchObject({
      setting: 'helpWalkIn',
      source: { kind: 'policy', value: 'helpWalkIn' },
    });
  });

  it('when policy sets plain http for a remote server, then the combined check blames policy', () => {
    const result = loadSettings({
      ...files({}, {}),
      env: {},
      argv: [],
      policy: fakeRegistry([sz('serverUrl', 'http://unlock.example.nhs.uk')]),
    });
    expect(!result.ok && result.error.source.kind).toBe('policy');
  });
});
