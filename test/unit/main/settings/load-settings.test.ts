import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeSource,
  loadSettings,
  machineSettingsPath,
  settingsProblemToAppError,
  userSettingsPath,
  type SettingsInputs,
} from '../../../../src/main/settings/load-settings';
import { DEFAULT_SETTINGS } from '../../../../src/main/settings/settings-schema';
import { appErrorSchema } from '../../../../src/shared/error-schema';

/** A fresh folder with optional machine and user files; neither exists unless given. */
function inputs(
  files: { machine?: unknown; user?: unknown; userText?: string } = {},
  env: Record<string, string> = {},
  argv: string[] = [],
): SettingsInputs {
  const dir = mkdtempSync(join(tmpdir(), 'settings-'));
  const machineFile = join(dir, 'machine.json');
  const userFile = join(dir, 'user.json');
  if (files.machine !== undefined) writeFileSync(machineFile, JSON.stringify(files.machine));
  if (files.user !== undefined) writeFileSync(userFile, JSON.stringify(files.user));
  if (files.userText !== undefined) writeFileSync(userFile, files.userText);
  return { machineFile, userFile, env, argv };
}

/** A trust's own desk: a workstation using a server elsewhere must name one. */
const DESK = { helpPhone: 'x2222', helpWalkIn: 'the IT office in Block B' };

function problemOf(result: ReturnType<typeof loadSettings>) {
  if (result.ok) throw new Error('expected a settings problem');
  return result.error;
}

describe('settings sources and precedence', () => {
  it('when nothing is set, then the defaults apply and say so', () => {
    const result = loadSettings(inputs());
    expect(result.ok && result.value.settings).toEqual(DEFAULT_SETTINGS);
    expect(result.ok && result.value.sources.serverUrl).toEqual({ kind: 'default' });
  });

  it('when every source sets the server, then the flag wins, then the environment, then the user file, then the machine file', () => {
    const machine = { serverUrl: 'https://machine.example', ...DESK };
    const user = { serverUrl: 'https://user.example' };
    const env = { SMARTCARD_UNLOCK_SERVER_URL: 'https://env.example' };
    const flag = ['--server-url=https://flag.example'];

    const all = loadSettings(inputs({ machine, user }, env, flag));
    expect(all.ok && all.value.settings.serverUrl).toBe('https://flag.example');
    expect(all.ok && all.value.sources.serverUrl).toEqual({
      kind: 'command-line',
      flag: '--server-url',
    });

    const noFlag = loadSettings(inputs({ machine, user }, env));
    expect(noFlag.ok && noFlag.value.settings.serverUrl).toBe('https://env.example');

    const filesOnly = loadSettings(inputs({ machine, user }));
    expect(filesOnly.ok && filesOnly.value.settings.serverUrl).toBe('https://user.example');
    expect(filesOnly.ok && filesOnly.value.sources.serverUrl.kind).toBe('user-file');

    const machineOnly = loadSettings(inputs({ machine }));
    expect(machineOnly.ok && machineOnly.value.settings.serverUrl).toBe('https://machine.example');
    expect(machineOnly.ok && machineOnly.value.sources.serverUrl.kind).toBe('machine-file');
  });

  it('keeps each setting from the source that set it, so sources mix', () => {
    const result = loadSettings(
      inputs(
        {
          machine: { serverUrl: 'https://machine.example', passcodePolicy: 'digits-6-8', ...DESK },
        },
        { SMARTCARD_UNLOCK_REQUEST_TIMEOUT_SECONDS: '5' },
        ['--mock-reader'],
      ),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.settings).toMatchObject({
      serverUrl: 'https://machine.example',
      passcodePolicy: 'digits-6-8',
      requestTimeoutSeconds: 5,
      mockReader: true,
    });
    expect(result.value.sources.passcodePolicy.kind).toBe('machine-file');
    expect(result.value.sources.requestTimeoutSeconds).toEqual({
      kind: 'environment',
      variable: 'SMARTCARD_UNLOCK_REQUEST_TIMEOUT_SECONDS',
    });
    expect(result.value.sources.mockReader.kind).toBe('command-line');
  });

  it('reads flags with a separate value, booleans with =false and --no-, and ignores flags that are not ours', () => {
    const result = loadSettings(
      inputs({}, { SMARTCARD_UNLOCK_MOCK_READER: 'true' }, [
        '--inspect',
        '--reader-name',
        'Virtual PCD 00 00',
        '--no-mock-reader',
        '--development=true',
      ]),
    );
    expect(result.ok && result.value.settings).toMatchObject({
      readerName: 'Virtual PCD 00 00',
      mockReader: false,
      development: true,
    });
  });
});

describe('settings errors name the setting, its source and the fix', () => {
  it('when the machine file has an invalid server address, then the problem names it and the file', () => {
    const input = inputs({ machine: { serverUrl: 'not a url' } });
    const problem = problemOf(loadSettings(input));
    expect(problem.setting).toBe('serverUrl');
    expect(problem.source).toEqual({ kind: 'machine-file', path: input.machineFile });
    expect(problem.fix).toContain('not a url');
    expect(problem.fix).toContain('https://');
  });

  it('when a file has a misspelt setting, then it suggests the right name', () => {
    const problem = problemOf(loadSettings(inputs({ user: { serverURL: 'https://x.example' } })));
    expect(problem.setting).toBe('serverURL');
    expect(problem.source.kind).toBe('user-file');
    expect(problem.fix).toContain('Did you mean "serverUrl"?');
  });

  it('when a file is not JSON, then it says so rather than crashing', () => {
    const problem = problemOf(loadSettings(inputs({ userText: '{ "serverUrl": ' })));
    expect(problem.setting).toBe('config.json');
    expect(problem.fix).toMatch(/not valid JSON/);
  });

  it('when a file nests deeper than any setting, then it says so before parsing it', () => {
    const problem = problemOf(
      loadSettings(inputs({ userText: '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}' })),
    );
    expect(problem.fix).toMatch(/nests deeper than 32 levels/);
  });

  it('when a file holds an array, then it asks for an object', () => {
    const problem = problemOf(loadSettings(inputs({ machine: ['https://x'] })));
    expect(problem.fix).toContain('one JSON object');
  });

  it('when the settings path cannot be read as a file, then it says so', () => {
    const input = inputs();
    mkdirSync(input.machineFile);
    expect(problemOf(loadSettings(input)).fix).toContain('cannot be read (EISDIR)');
  });

  it('when an environment variable is wrong, then the problem names the variable', () => {
    const problem = problemOf(
      loadSettings(inputs({}, { SMARTCARD_UNLOCK_PASSCODE_POLICY: 'letters-only' })),
    );
    expect(problem).toMatchObject({
      setting: 'passcodePolicy',
      source: { kind: 'environment', variable: 'SMARTCARD_UNLOCK_PASSCODE_POLICY' },
    });
    expect(problem.fix).toContain('printable-4-8, digits-6-8');
  });

  it('when a number flag is not a number, then the problem names the flag', () => {
    const problem = problemOf(loadSettings(inputs({}, {}, ['--request-timeout-seconds=soon'])));
    expect(problem).toMatchObject({
      setting: 'requestTimeoutSeconds',
      source: { kind: 'command-line', flag: '--request-timeout-seconds' },
    });
  });

  it('when a flag that needs a value has none, then it shows how to write it', () => {
    const problem = problemOf(loadSettings(inputs({}, {}, ['--server-url'])));
    expect(problem.fix).toContain('--server-url=');
  });

  it('when a remote server is plain http outside development, then the winning source is named', () => {
    const problem = problemOf(
      loadSettings(
        inputs({ machine: { serverUrl: 'https://ok.example' } }, {}, [
          '--server-url=http://remote.example',
        ]),
      ),
    );
    expect(problem).toMatchObject({
      setting: 'serverUrl',
      source: { kind: 'command-line', flag: '--server-url' },
    });
    expect(problem.fix).toContain('plain http');
  });

  it('allows plain http to this computer, and elsewhere in development', () => {
    expect(loadSettings(inputs({ user: { serverUrl: 'http://127.0.0.1:4000' } })).ok).toBe(true);
    expect(
      loadSettings(inputs({ user: { serverUrl: 'http://remote.example', development: true } })).ok,
    ).toBe(true);
  });

  it('when the pinned certificate authority file is missing, then it names the setting', () => {
    const problem = problemOf(
      loadSettings(
        inputs({
          machine: { serverUrl: 'https://x.example', caCertificateFile: '/nonexistent/ca.pem' },
        }),
      ),
    );
    expect(problem.setting).toBe('caCertificateFile');
    expect(problem.fix).toContain('/nonexistent/ca.pem');
  });

  it('turns a problem into a SETTINGS_INVALID error that carries the setting, source and fix', () => {
    const input = inputs({ machine: { serverUrl: 'ftp://x' } });
    const error = settingsProblemToAppError(problemOf(loadSettings(input)));
    expect(appErrorSchema.parse(error)).toEqual(error);
    expect(error).toMatchObject({
      code: 'SETTINGS_INVALID',
      details: {
        field: 'serverUrl',
        source: describeSource({ kind: 'machine-file', path: input.machineFile }),
      },
    });
    expect(error.details?.fix).toContain('ftp://x');
  });
});

describe('the help contacts the screens name', () => {
  it("when nothing sets them, then the demo's are used, so the demo on this computer needs no set-up", () => {
    const result = loadSettings(inputs());
    expect(result.ok && result.value.settings).toMatchObject({
      helpPhone: 'x4050',
      helpWalkIn: 'the IT walk in centres at City or Sandwell site',
    });
  });

  it("when the app uses a server on another computer and a contact is not set, then it refuses, naming the contact: the demo's desk is another trust's", () => {
    const problem = problemOf(
      loadSettings(inputs({ machine: { serverUrl: 'https://unlock.example.nhs.uk' } })),
    );
    expect(problem).toMatchObject({ setting: 'helpPhone', source: { kind: 'default' } });
    expect(problem.fix).toContain('https://unlock.example.nhs.uk');
    expect(problem.fix).toContain('Group Policy');
    const walkIn = problemOf(
      loadSettings(
        inputs({ machine: { serverUrl: 'https://unlock.example.nhs.uk', helpPhone: 'x2222' } }),
      ),
    );
    expect(walkIn.setting).toBe('helpWalkIn');
    // Development, and a server on this computer, keep the demo's.
    expect(
      loadSettings(
        inputs({ machine: { serverUrl: 'https://unlock.example.nhs.uk', development: true } }),
      ).ok,
    ).toBe(true);
    expect(loadSettings(inputs({ machine: { serverUrl: 'https://127.0.0.1:8443' } })).ok).toBe(
      true,
    );
  });

  it('when the machine file sets them and a flag overrides one, then each comes from its source', () => {
    const result = loadSettings(
      inputs({ machine: { serverUrl: 'https://unlock.example.nhs.uk', ...DESK } }, {}, [
        '--help-phone=0121 496 0000',
      ]),
    );
    expect(result.ok && result.value.settings).toMatchObject({
      helpPhone: '0121 496 0000',
      helpWalkIn: DESK.helpWalkIn,
    });
    expect(result.ok && result.value.sources.helpPhone).toEqual({
      kind: 'command-line',
      flag: '--help-phone',
    });
  });

  it.each([
    ['SMARTCARD_UNLOCK_HELP_PHONE', 'x2222\u202e', 'helpPhone'],
    ['SMARTCARD_UNLOCK_HELP_PHONE', '0'.repeat(41), 'helpPhone'],
    ['SMARTCARD_UNLOCK_HELP_WALK_IN', 'the IT office.', 'helpWalkIn'],
    ['SMARTCARD_UNLOCK_HELP_WALK_IN', 'the IT\toffice', 'helpWalkIn'],
  ])('when %s is %j, then it is refused, naming %s and the variable', (variable, value, name) => {
    const problem = problemOf(loadSettings(inputs({}, { [variable]: value })));
    expect(problem).toMatchObject({ setting: name, source: { kind: 'environment', variable } });
    expect(problem.fix).toContain('no full stop at the end');
  });
});

describe('settings file locations', () => {
  it('puts the machine-wide file in ProgramData on Windows and /etc elsewhere', () => {
    expect(machineSettingsPath('win32', { ProgramData: 'D:\\PD' })).toBe(
      'D:\\PD\\smartcard-unlock\\config.json',
    );
    expect(machineSettingsPath('linux', {})).toBe('/etc/smartcard-unlock/config.json');
  });

  it('puts the per-user file in APPDATA on Windows and the XDG config folder on Linux', () => {
    expect(
      userSettingsPath('win32', { APPDATA: 'C:\\Users\\j\\AppData\\Roaming' }, 'C:\\Users\\j'),
    ).toBe('C:\\Users\\j\\AppData\\Roaming\\smartcard-unlock\\config.json');
    expect(userSettingsPath('linux', { XDG_CONFIG_HOME: '/x' }, '/home/j')).toBe(
      '/x/smartcard-unlock/config.json',
    );
    expect(userSettingsPath('linux', {}, '/home/j')).toBe(
      '/home/j/.config/smartcard-unlock/config.json',
    );
  });
});
