import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSettings, loadConfig, type ServerSettings } from '../../../../server/config';
import { makeTestCertificate } from './test-certificate';

/** The console section of the server settings, loaded as the server loads them. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-console-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = (fill: number): string => Buffer.alloc(32, fill).toString('base64');
const SECRET = 'client-secret-that-must-never-be-logged';

/** A production server's settings, apart from the console's. */
function production(): Record<string, string> {
  const cert = makeTestCertificate(dir);
  return {
    SCU_KEY_ENCRYPTION_KEYS: `main=${key(1)}`,
    SCU_ACTIVE_KEY_ID: 'main',
    SCU_ANSWER_PEPPER: key(2),
    SMTP_HOST: 'smtp.trust.test',
    MAIL_FROM: 'smartcard-unlock@trust.test',
    SCU_HELP_PHONE: '0121 496 0000',
    SCU_HELP_WALK_IN: 'the IT service desk at the main entrance of Example Hospital',
    SCU_PUBLIC_URL: 'https://smartcard-unlock.trust.test',
    TLS_CERT_FILE: cert.certFile,
    TLS_KEY_FILE: cert.keyFile,
  };
}

/** Entra ID's settings for the console, as IT would set them. */
const ENTRA = {
  SCU_CONSOLE_ENABLED: 'true',
  SCU_CONSOLE_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  SCU_CONSOLE_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  SCU_CONSOLE_CLIENT_SECRET: SECRET,
  SCU_CONSOLE_URL: 'https://desk.trust.test',
};

function load(env: Record<string, string>, development = false, configFile?: string) {
  return loadConfig({
    env: { DATA_DIR: join(dir, 'data'), ...env },
    cwd: dir,
    development,
    purpose: 'server',
    ...(configFile === undefined ? {} : { configFile }),
  });
}

function settings(result: ReturnType<typeof load>): ServerSettings {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The refusal's issues about the console, as {setting, source, message}. */
function consoleIssues(result: ReturnType<typeof load>) {
  if (result.ok) throw new Error('expected the settings to be refused');
  return result.error.issues.filter((i) => i.setting.startsWith('console'));
}

describe('the console settings', () => {
  it('when nothing is said about the console, then it is off in production and in development', () => {
    expect(settings(load(production())).console).toBeUndefined();
    expect(settings(load({}, true)).console).toBeUndefined();
  });

  it('when Entra ID is set in production, then the console is on with the default claim, roles and limits', () => {
    const c = settings(load({ ...production(), ...ENTRA })).console;
    expect(c).toMatchObject({
      clientId: ENTRA.SCU_CONSOLE_CLIENT_ID,
      clientSecret: SECRET,
      roleClaim: 'roles',
      deskRole: 'service-desk',
      raRole: 'ra-manager',
      scopes: 'openid profile',
      idleTimeoutMs: 15 * 60_000,
      lifetimeMs: 8 * 3_600_000,
      allowHttp: false,
    });
    expect(c?.issuer.href).toBe(ENTRA.SCU_CONSOLE_ISSUER);
    expect(c?.url?.origin).toBe('https://desk.trust.test');
  });

  it('when development names a provider, then the console is on over plain HTTP without its own address', () => {
    const c = settings(
      load(
        {
          SCU_CONSOLE_ISSUER: 'http://127.0.0.1:9999',
          SCU_CONSOLE_CLIENT_ID: 'console',
          SCU_CONSOLE_CLIENT_SECRET: SECRET,
        },
        true,
      ),
    ).console;
    expect(c?.allowHttp).toBe(true);
    expect(c?.url).toBeUndefined();
  });

  it('when production turns the console on without its provider, then each missing setting is named with its variable', () => {
    const issues = consoleIssues(load({ ...production(), SCU_CONSOLE_ENABLED: 'true' }));
    expect(issues.map((i) => i.setting)).toEqual([
      'console.issuer',
      'console.clientId',
      'console.clientSecret',
      'console.url',
    ]);
    expect(issues[0]?.message).toContain('SCU_CONSOLE_ISSUER');
    expect(issues[3]?.message).toContain('SCU_CONSOLE_URL');
  });

  it('when production gives plain-HTTP addresses, then both are refused', () => {
    const issues = consoleIssues(
      load({
        ...production(),
        ...ENTRA,
        SCU_CONSOLE_ISSUER: 'http://idp.trust.test',
        SCU_CONSOLE_URL: 'http://desk.trust.test',
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        setting: 'console.issuer',
        source: 'environment variable SCU_CONSOLE_ISSUER',
        message: expect.stringContaining('https://'),
      }),
      expect.objectContaining({
        setting: 'console.url',
        message: expect.stringContaining('https://'),
      }),
    ]);
  });

  it('when the secret is in a file, then it is read and trimmed; a missing file is named, and a secret given twice refused', () => {
    const file = join(dir, 'console-secret');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    const { SCU_CONSOLE_CLIENT_SECRET: _, ...entra } = ENTRA;
    const fromFile = { ...production(), ...entra, SCU_CONSOLE_CLIENT_SECRET_FILE: file };
    expect(settings(load(fromFile)).console?.clientSecret).toBe(SECRET);
    const missing = consoleIssues(
      load({ ...fromFile, SCU_CONSOLE_CLIENT_SECRET_FILE: join(dir, 'nope') }),
    );
    expect(missing).toEqual([
      expect.objectContaining({
        setting: 'console.clientSecretFile',
        message: expect.stringContaining('ENOENT'),
      }),
    ]);
    const twice = consoleIssues(load({ ...fromFile, SCU_CONSOLE_CLIENT_SECRET: SECRET }));
    expect(twice[0]?.message).toContain('not both');
    expect(JSON.stringify(twice)).not.toContain(SECRET);
  });

  it('when the config file has values out of range or unknown, then each is named where it came from', () => {
    const file = join(dir, 'settings.json');
    writeFileSync(
      file,
      JSON.stringify({
        console: {
          idleTimeoutMinutes: 0,
          sessionLifetimeHours: 25,
          url: 'https://desk.trust.test/console',
          raRole: 'service-desk',
          scopes: 'profile',
          roles: 'x',
        },
      }),
    );
    const { SCU_CONSOLE_URL: _, ...entra } = ENTRA;
    const issues = consoleIssues(load({ ...production(), ...entra }, false, file));
    const bySetting = Object.fromEntries(issues.map((i) => [i.setting, i]));
    expect(Object.keys(bySetting).sort()).toEqual([
      'console.idleTimeoutMinutes',
      'console.raRole',
      'console.roles',
      'console.scopes',
      'console.sessionLifetimeHours',
      'console.url',
    ]);
    expect(bySetting['console.idleTimeoutMinutes']?.message).toContain('at least 1');
    expect(bySetting['console.sessionLifetimeHours']?.source).toBe(`config file ${file}`);
    expect(bySetting['console.url']?.message).toContain('no path');
  });

  it('when the operator listener is off, then the console cannot be on', () => {
    const issues = consoleIssues(load({ ...production(), ...ENTRA, OPERATOR_ENABLED: 'false' }));
    expect(issues).toEqual([expect.objectContaining({ setting: 'console.enabled' })]);
  });

  it('when the settings are described for the log, then the provider is named and the secret is not', () => {
    const described = JSON.stringify(
      describeSettings(settings(load({ ...production(), ...ENTRA }))),
    );
    expect(described).toContain('login.microsoftonline.com');
    expect(described).not.toContain(SECRET);
  });
});
