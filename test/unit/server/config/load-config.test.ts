import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  describeSettings,
  loadConfig,
  type ConfigError,
  type ConfigInput,
  type ServerSettings,
} from '../../../../server/config';
import { DEMO_HELP_CONTACTS } from '../../../../src/shared/help';
import { makeTestCertificate } from './test-certificate';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = (fill: number): string => Buffer.alloc(32, fill).toString('base64');
const productionKeys = {
  SCU_KEY_ENCRYPTION_KEYS: `main=${key(1)}`,
  SCU_ACTIVE_KEY_ID: 'main',
  SCU_ANSWER_PEPPER: key(2),
  SMTP_HOST: 'smtp.trust.test',
  MAIL_FROM: 'smartcard-unlock@trust.test',
  SCU_HELP_PHONE: '0121 496 0000',
  SCU_HELP_WALK_IN: 'the IT service desk at the main entrance of Example Hospital',
  SCU_PUBLIC_URL: 'https://smartcard-unlock.trust.test',
};

function load(
  env: Record<string, string | undefined>,
  extra: Partial<ConfigInput> = {},
): ReturnType<typeof loadConfig> {
  return loadConfig({
    env: { DATA_DIR: join(dir, 'data'), ...env },
    cwd: dir,
    purpose: 'server',
    ...extra,
  });
}

function settings(result: ReturnType<typeof loadConfig>): ServerSettings {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function failure(result: ReturnType<typeof loadConfig>): ConfigError {
  if (result.ok) throw new Error('expected the settings to be refused');
  return result.error;
}

function writeConfig(content: unknown): string {
  const file = join(dir, 'settings.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loading the server settings', () => {
  it('when started with --dev and nothing else, then it runs on SQLite and an outbox under DATA_DIR with printed codes and generated keys', () => {
    const s = settings(load({}, { development: true }));
    expect(s).toMatchObject({ development: true, host: '127.0.0.1', port: 8080, tls: undefined });
    expect(s.dataDir).toBe(join(dir, 'data'));
    expect(s.core.storage).toEqual({
      kind: 'sqlite',
      file: join(dir, 'data', 'smartcard-unlock.sqlite'),
      busyTimeoutMs: 5000,
    });
    expect(s.core.mail).toMatchObject({
      kind: 'outbox',
      dir: join(dir, 'data', 'outbox'),
      printCodes: true,
    });
    expect(s.developmentKeysFile).toBe(join(dir, 'data', 'development-keys.json'));
    expect(statSync(s.developmentKeysFile!).mode & 0o777).toBe(0o600);
    // The data folder and the outbox (which holds mailed codes) are the server user's alone.
    expect(statSync(s.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(s.dataDir, 'outbox')).mode & 0o777).toBe(0o700);
    expect(s.core.security.answers.maxWrongSubmissions).toBe(3);
    expect(s.http.bodyLimitBytes).toBe(16 * 1024);
  });

  it('when development keys were generated before, then the same keys are used again', () => {
    const first = settings(load({}, { development: true }));
    const second = settings(load({ SCU_DEVELOPMENT: 'true' }));
    expect(second.core.keys).toEqual(first.core.keys);
  });

  it('when neither TLS nor development is set, then it refuses plain HTTP and says both fixes', () => {
    const error = failure(load(productionKeys));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'tls',
        message: expect.stringContaining('TLS_CERT_FILE'),
      }),
    ]);
    expect(error.message).toContain('--dev');
  });

  it('when production has no mail settings, then it refuses, naming SMTP_HOST and the deliberate outbox', () => {
    const cert = makeTestCertificate(dir, 'mail');
    const { SMTP_HOST: _relay, MAIL_FROM: _from, ...noMail } = productionKeys;
    const error = failure(
      load({ ...noMail, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ setting: 'mail', message: expect.stringContaining('SMTP_HOST') }),
    ]);
    expect(error.message).toContain('"kind": "outbox"');
    // An outbox chosen on purpose in the config file is accepted.
    const file = writeConfig({ mail: { kind: 'outbox', dir: 'outbox' } });
    const s = settings(
      load(
        { ...noMail, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile },
        { configFile: file },
      ),
    );
    expect(s.core.mail).toMatchObject({ kind: 'outbox', printCodes: false });
  });

  it('when production asks to print unlock codes, then it refuses: they would land in the log', () => {
    const cert = makeTestCertificate(dir, 'print');
    const file = writeConfig({ mail: { kind: 'outbox', dir: 'outbox', printCodes: true } });
    const { SMTP_HOST: _relay, MAIL_FROM: _from, ...noMail } = productionKeys;
    const error = failure(
      load(
        { ...noMail, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile },
        { configFile: file },
      ),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ setting: 'mail.printCodes', source: `config file ${file}` }),
    ]);
    expect(settings(load({}, { development: true, configFile: file })).core.mail).toMatchObject({
      printCodes: true,
    });
  });

  it('when the admin CLI loads the settings, then no TLS is needed', () => {
    expect(load(productionKeys, { purpose: 'admin' }).ok).toBe(true);
  });

  it('when production has no keys, then it refuses and says how to make them', () => {
    const error = failure(load({}, { purpose: 'admin' }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'keys',
        message: expect.stringContaining('openssl rand -base64 32'),
      }),
    ]);
  });

  it('when PORT is not a number, then the message names PORT as the source', () => {
    const error = failure(load({ PORT: 'eighty' }, { development: true }));
    expect(error.issues[0]).toMatchObject({ setting: 'port', source: 'environment variable PORT' });
    expect(error.message).toMatch(/port \(environment variable PORT\): /);
  });

  it('when PORT, HOST and DATA_DIR are set, then they are honoured', () => {
    const s = settings(
      load({ PORT: '9443', HOST: '0.0.0.0', DATA_DIR: 'elsewhere' }, { development: true }),
    );
    expect(s).toMatchObject({ port: 9443, host: '0.0.0.0', dataDir: join(dir, 'elsewhere') });
  });

  it('when the file and the environment both set a value, then the environment wins', () => {
    const file = writeConfig({ port: 1111, logLevel: 'debug' });
    const s = settings(load({ PORT: '2222' }, { configFile: file, development: true }));
    expect(s.port).toBe(2222);
    expect(s.logLevel).toBe('debug');
  });

  it('when the file has an unknown setting, then the message names it and the file', () => {
    const file = writeConfig({ prot: 8080 });
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues[0]).toMatchObject({ setting: 'prot', source: `config file ${file}` });
  });

  it('when a security rule in the file is out of range, then the message names the rule and the file', () => {
    const file = writeConfig({ security: { code: { validSeconds: 5 } } });
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues[0]).toMatchObject({
      setting: 'security.code.validSeconds',
      source: `config file ${file}`,
    });
  });

  it('when SCU_CONFIG names the file, then it is read; a missing file is named with its source', () => {
    const file = writeConfig({ port: 3333 });
    expect(settings(load({ SCU_CONFIG: file }, { development: true })).port).toBe(3333);
    const error = failure(load({ SCU_CONFIG: join(dir, 'nope.json') }, { development: true }));
    expect(error.issues[0]).toMatchObject({
      setting: 'config file',
      source: 'environment variable SCU_CONFIG',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('when the file is not JSON, then the message says so', () => {
    const file = writeConfig('{ port: 1 ');
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues[0]?.message).toContain('not valid JSON');
  });

  it('when the file nests deeper than any setting, then it is refused before it is parsed or merged', () => {
    const file = writeConfig('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues[0]?.message).toContain('nests deeper than 32 levels');
  });

  it('when DATABASE_URL is set, then PostgreSQL replaces the file’s SQLite section', () => {
    const file = writeConfig({ storage: { kind: 'sqlite', file: 'x.sqlite' } });
    const s = settings(
      load(
        {
          DATABASE_URL: 'postgres://scu:secret@db.local:5432/scu',
          DATABASE_POOL_SIZE: '4',
          DATABASE_STATEMENT_TIMEOUT_MS: '2500',
        },
        { configFile: file, development: true },
      ),
    );
    expect(s.core.storage).toEqual({
      kind: 'postgres',
      url: 'postgres://scu:secret@db.local:5432/scu',
      poolSize: 4,
      connectTimeoutMs: 3000,
      statementTimeoutMs: 2500,
    });
    expect(JSON.stringify(describeSettings(s))).not.toContain('secret');
  });

  it('when SMTP_HOST is set, then mail goes over SMTP with the other SMTP variables', () => {
    const s = settings(
      load(
        {
          SMTP_HOST: 'smtp.nhs.net',
          SMTP_PORT: '465',
          SMTP_SECURE: 'true',
          SMTP_USER: 'u',
          SMTP_PASS: 'p',
          MAIL_FROM: 'unlock@nhs.net',
        },
        { development: true },
      ),
    );
    expect(s.core.mail).toMatchObject({
      kind: 'smtp',
      host: 'smtp.nhs.net',
      port: 465,
      secure: true,
      auth: { user: 'u', pass: 'p' },
    });
    expect(JSON.stringify(describeSettings(s))).not.toContain('"p"');
  });

  it('when a key from the environment is not 32 bytes of base64, then the message names that variable', () => {
    const error = failure(
      load({ ...productionKeys, SCU_ANSWER_PEPPER: 'short' }, { purpose: 'admin' }),
    );
    expect(error.issues[0]).toMatchObject({
      setting: 'keys.answerPepper',
      source: 'environment variable SCU_ANSWER_PEPPER',
    });
    expect(error.message).not.toContain(key(1));
  });

  it('when production keys are set, then several key-encryption keys parse and the active one is named', () => {
    const s = settings(
      load(
        { ...productionKeys, SCU_KEY_ENCRYPTION_KEYS: `old=${key(3)},main=${key(1)}` },
        { purpose: 'admin' },
      ),
    );
    expect(Object.keys(s.core.keys.keyEncryptionKeys)).toEqual(['old', 'main']);
    expect(s.developmentKeysFile).toBeUndefined();
  });

  it('when TRUST_PROXY is a hop count, a boolean or addresses, then each is taken as such', () => {
    expect(settings(load({ TRUST_PROXY: '1' }, { development: true })).http.trustProxy).toBe(1);
    expect(settings(load({ TRUST_PROXY: 'true' }, { development: true })).http.trustProxy).toBe(
      true,
    );
    expect(
      settings(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, { development: true })).http
        .trustProxy,
    ).toBe('loopback, 10.0.0.0/8');
  });

  it('when TRUST_PROXY holds an entry Express cannot read, then start fails naming the setting and the entry', () => {
    const error = failure(load({ TRUST_PROXY: 'loopback, 10.0.0.0/33' }, { development: true }));
    expect(error.issues).toEqual([
      {
        setting: 'http.trustProxy',
        source: 'environment variable TRUST_PROXY',
        message: expect.stringContaining('"10.0.0.0/33" has a bad prefix'),
      },
    ]);
  });

  it('when no retention is set, then finished attempts are kept 30 days, the audit trail for good, and the purge runs hourly; a bad value names its setting', () => {
    expect(settings(load({}, { development: true })).retention).toEqual({
      endedAttemptDays: 30,
      purgeIntervalMinutes: 60,
      auditDays: null,
    });
    const file = join(dir, 'retention.json');
    writeFileSync(file, JSON.stringify({ retention: { endedAttemptDays: 7, keepAudit: false } }));
    const error = failure(load({}, { development: true, configFile: file }));
    expect(error.issues[0]).toMatchObject({
      setting: 'retention.keepAudit',
      source: `config file ${file}`,
    });
  });

  it('when retention.auditDays is set, then it is kept; under 30 days it is refused by name', () => {
    const file = join(dir, 'audit-retention.json');
    writeFileSync(file, JSON.stringify({ retention: { auditDays: 400 } }));
    expect(settings(load({}, { development: true, configFile: file })).retention.auditDays).toBe(
      400,
    );
    writeFileSync(file, JSON.stringify({ retention: { auditDays: 7 } }));
    expect(failure(load({}, { development: true, configFile: file })).issues[0]).toMatchObject({
      setting: 'retention.auditDays',
      source: `config file ${file}`,
    });
  });

  it('when a certificate and its key are set, then HTTPS material is loaded without --dev', () => {
    const cert = makeTestCertificate(dir);
    const s = settings(
      load({ ...productionKeys, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile }),
    );
    expect(s.tls?.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(describeSettings(s).listen).toBe('https://127.0.0.1:8080');
  });

  it('when the key does not belong to the certificate, then the message names tls.keyFile', () => {
    const a = makeTestCertificate(dir, 'a');
    const b = makeTestCertificate(dir, 'b');
    const error = failure(
      load({ ...productionKeys, TLS_CERT_FILE: a.certFile, TLS_KEY_FILE: b.keyFile }),
    );
    expect(error.issues[0]).toMatchObject({
      setting: 'tls.keyFile',
      source: 'environment variable TLS_KEY_FILE',
    });
  });

  it('when the certificate file is missing, then the message names tls.certFile and its source', () => {
    const file = writeConfig({ tls: { certFile: 'missing.pem', keyFile: 'missing-key.pem' } });
    const error = failure(load(productionKeys, { configFile: file }));
    expect(error.issues.map((i) => i.setting)).toEqual(['tls.certFile', 'tls.keyFile']);
    expect(error.issues[0]?.source).toBe(`config file ${file}`);
  });

  it('when the development keys file is damaged, then it says to delete it', () => {
    settings(load({}, { development: true }));
    writeFileSync(join(dir, 'data', 'development-keys.json'), '{"keyEncryptionKeys":{}}');
    const error = failure(load({}, { development: true }));
    expect(error.issues[0]?.message).toContain('delete it');
    expect(readFileSync(join(dir, 'data', 'development-keys.json'), 'utf8')).toContain(
      'keyEncryptionKeys',
    );
  });
});

describe('the listeners and their connection limits', () => {
  it('when nothing is set, then the operator listener is on 127.0.0.1 at the public port + 1, with the default limits', () => {
    const s = settings(load({ HOST: '0.0.0.0' }, { development: true }));
    expect(s.operator).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(s.http.connections).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1000,
    });
    expect(describeSettings(s)).toMatchObject({ operatorListen: 'http://127.0.0.1:8081' });
  });

  it('when the public port is 0, then the operator port is 0 too (any free port)', () => {
    expect(settings(load({ PORT: '0' }, { development: true })).operator?.port).toBe(0);
  });

  it('when OPERATOR_HOST, OPERATOR_PORT and OPERATOR_ENABLED are set, then they win over the file', () => {
    const file = writeConfig({ operator: { host: '10.0.0.5', port: 7000 } });
    const s = settings(
      load(
        { OPERATOR_HOST: '0.0.0.0', OPERATOR_PORT: '9464' },
        { configFile: file, development: true },
      ),
    );
    expect(s.operator).toEqual({ host: '0.0.0.0', port: 9464 });
    const off = settings(
      load({ OPERATOR_ENABLED: 'false' }, { configFile: file, development: true }),
    );
    expect(off.operator).toBeUndefined();
    expect(describeSettings(off)).toMatchObject({ operatorListen: 'disabled' });
  });

  it('when the operator port is the public port, then it is refused naming operator.port and its source', () => {
    const error = failure(load({ PORT: '8443', OPERATOR_PORT: '8443' }, { development: true }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'operator.port',
        source: 'environment variable OPERATOR_PORT',
        message: expect.stringContaining('is the public port (8443)') as unknown,
      }),
    ]);
  });

  it('when the public port is 65535 and no operator port is set, then it asks for one', () => {
    const error = failure(load({ PORT: '65535' }, { development: true }));
    expect(error.issues[0]).toMatchObject({ setting: 'operator.port' });
    expect(error.issues[0]?.message).toContain('set operator.port (or OPERATOR_PORT)');
  });

  it('when the file sets the connection limits, then they are taken; a request timeout not above the headers timeout is refused naming it', () => {
    const good = writeConfig({
      http: {
        connections: {
          headersTimeoutMs: 5000,
          requestTimeoutMs: 20_000,
          maxRequestsPerSocket: 100,
        },
      },
    });
    expect(settings(load({}, { configFile: good, development: true })).http.connections).toEqual({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 1000,
      maxRequestsPerSocket: 100,
    });

    const bad = writeConfig({ http: { connections: { requestTimeoutMs: 10_000 } } });
    const error = failure(load({}, { configFile: bad, development: true }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'http.connections.requestTimeoutMs',
        source: `config file ${bad}`,
        message: expect.stringContaining(
          'must be longer than http.connections.headersTimeoutMs (10000 ms)',
        ) as unknown,
      }),
    ]);
  });

  it('when a connection limit is out of range or unknown, then the message names it', () => {
    const file = writeConfig({
      http: { connections: { maxConnections: 0, keepAliveTimeoutMs: 0, idleTimeoutMs: 1 } },
    });
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues.map((i) => i.setting).sort()).toEqual([
      'http.connections.idleTimeoutMs',
      'http.connections.keepAliveTimeoutMs',
      'http.connections.maxConnections',
    ]);
  });
});

/** zod's own wording, which no settings message may show. */
const VALIDATOR_WORDING =
  /Invalid (input|option|discriminator)|expected \w+, received|Unrecognized key|Too (small|big)/;

/** The variables `deploy/server/secrets.env.sample` sets, with its placeholder values. */
function secretsSample(): Record<string, string> {
  const text = readFileSync(
    join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'server', 'secrets.env.sample'),
    'utf8',
  );
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('the wording of settings faults', () => {
  it('when the answer pepper is missing, then it says so, naming SCU_ANSWER_PEPPER, keys.answerPepper and the keys set beside it', () => {
    const { SCU_ANSWER_PEPPER: _pepper, ...noPepper } = productionKeys;
    const error = failure(load(noPepper, { purpose: 'admin' }));
    expect(error.issues).toEqual([
      {
        setting: 'keys.answerPepper',
        source: 'not set',
        message:
          'set SCU_ANSWER_PEPPER, or keys.answerPepper in a config file (--config FILE). It goes with keys.keyEncryptionKeys (environment variable SCU_KEY_ENCRYPTION_KEYS) and keys.activeKeyId (environment variable SCU_ACTIVE_KEY_ID), which are set.',
      },
    ]);
    expect(error.message).toContain('  - keys.answerPepper (not set): set SCU_ANSWER_PEPPER');
  });

  it('when the keys come from a config file without the pepper, then the fix names that file', () => {
    const file = writeConfig({
      keys: { keyEncryptionKeys: { main: key(1) }, activeKeyId: 'main' },
    });
    const error = failure(load({}, { configFile: file, purpose: 'admin' }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'keys.answerPepper',
        message: expect.stringContaining(
          `set SCU_ANSWER_PEPPER, or keys.answerPepper in the config file ${file}.`,
        ) as unknown,
      }),
    ]);
    expect(error.message).not.toContain(key(1));
  });

  it('when only TLS_KEY_FILE is set, then it asks for TLS_CERT_FILE (tls.certFile) beside tls.keyFile (TLS_KEY_FILE)', () => {
    const error = failure(load({ ...productionKeys, TLS_KEY_FILE: 'key.pem' }));
    expect(error.issues).toEqual([
      {
        setting: 'tls.certFile',
        source: 'not set',
        message:
          'set TLS_CERT_FILE, or tls.certFile in a config file (--config FILE). It goes with tls.keyFile (environment variable TLS_KEY_FILE), which is set.',
      },
    ]);
  });

  it('when the secrets sample is used as it is, without a config file, then it says SMTP_HOST or mail.kind must be set, in words of its own', () => {
    const sample = secretsSample();
    expect(Object.keys(sample)).toEqual(expect.arrayContaining(['SMTP_USER', 'SMTP_PASS']));
    expect(sample.SMTP_HOST).toBeUndefined();
    const cert = makeTestCertificate(dir, 'sample');
    const error = failure(
      load({ ...sample, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile }),
    );
    expect(error.issues).toContainEqual({
      setting: 'mail.kind',
      source: 'not set',
      message:
        'mail.auth.user (environment variable SMTP_USER) and mail.auth.pass (environment variable SMTP_PASS) are set, but nothing chooses mail.kind: set SMTP_HOST (for "smtp"), or set mail.kind ("smtp" or "outbox") in a config file (--config FILE).',
    });
    // Its placeholder keys are refused with how to make real ones, and no value is echoed.
    expect(error.issues).toContainEqual(
      expect.objectContaining({
        setting: 'keys.answerPepper',
        source: 'environment variable SCU_ANSWER_PEPPER',
        message: expect.stringContaining('openssl rand -base64 32') as unknown,
      }),
    );
    expect(error.message).not.toMatch(VALIDATOR_WORDING);
    expect(error.message).not.toContain('REPLACE_PASSWORD');
  });

  it('when a value has the wrong type, then it says what it must be and where to change it', () => {
    expect(failure(load({ PORT: 'eighty' }, { development: true })).issues).toEqual([
      {
        setting: 'port',
        source: 'environment variable PORT',
        message: 'must be a number. Change PORT.',
      },
    ]);
    const file = writeConfig({ port: '8443', http: { metricsEnabled: 'yes' } });
    const error = failure(load({}, { configFile: file, development: true }));
    expect(error.issues).toEqual([
      {
        setting: 'port',
        source: `config file ${file}`,
        message: `must be a number. Change it in ${file}, or set PORT.`,
      },
      {
        setting: 'http.metricsEnabled',
        source: `config file ${file}`,
        message: `must be true or false. Change it in ${file}.`,
      },
    ]);
  });

  it('when a value is out of range or not one of the choices, then the bound or the choices are named', () => {
    const error = failure(
      load(
        {
          LOG_LEVEL: 'loud',
          DATABASE_URL: 'postgres://scu@db.local/scu',
          DATABASE_POOL_SIZE: '0',
        },
        { development: true },
      ),
    );
    expect(error.issues).toEqual([
      {
        setting: 'logLevel',
        source: 'environment variable LOG_LEVEL',
        message:
          'must be "fatal", "error", "warn", "info", "debug", "trace" or "silent". Change LOG_LEVEL.',
      },
    ]);
    const pool = failure(
      load(
        { DATABASE_URL: 'postgres://scu@db.local/scu', DATABASE_POOL_SIZE: '0' },
        { development: true },
      ),
    );
    expect(pool.issues).toEqual([
      {
        setting: 'storage.poolSize',
        source: 'environment variable DATABASE_POOL_SIZE',
        message: 'must be at least 1. Change DATABASE_POOL_SIZE.',
      },
    ]);
  });

  it('when DATABASE_URL cannot be read as a URL, then it names DATABASE_URL and how to write one, without the password', () => {
    const error = failure(
      load({ DATABASE_URL: 'postgres://scu:pa/ss-Word@db.local/scu' }, { development: true }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'storage.url',
        source: 'environment variable DATABASE_URL',
        message: expect.stringMatching(/percent-encoded.*Change DATABASE_URL\.$/) as unknown,
      }),
    ]);
    expect(error.message).not.toContain('pa/ss-Word');
  });

  it('when a setting belongs to another kind of section, then it says so rather than "unknown"', () => {
    const file = writeConfig({ mail: { kind: 'outbox', dir: 'outbox' } });
    const error = failure(load({ SMTP_PORT: '25' }, { configFile: file, development: true }));
    expect(error.issues).toEqual([
      {
        setting: 'mail.port',
        source: 'environment variable SMTP_PORT',
        message:
          'is not a setting of mail when mail.kind is "outbox": remove it, or change mail.kind.',
      },
    ]);
  });
});

describe('the help contacts every error and email names', () => {
  const cert = () => makeTestCertificate(dir, 'help');
  const tlsOf = (c: { certFile: string; keyFile: string }) => ({
    TLS_CERT_FILE: c.certFile,
    TLS_KEY_FILE: c.keyFile,
  });

  it("when started with --dev and no help set, then the demo's contacts are used", () => {
    expect(settings(load({}, { development: true })).core.help).toEqual(DEMO_HELP_CONTACTS);
  });

  it("when production has no help contacts, then it refuses, naming both variables and why the demo's will not do", () => {
    const { SCU_HELP_PHONE: _phone, SCU_HELP_WALK_IN: _walkIn, ...noHelp } = productionKeys;
    const error = failure(load({ ...noHelp, ...tlsOf(cert()) }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'help',
        message: expect.stringMatching(
          /SCU_HELP_PHONE.*SCU_HELP_WALK_IN.*another trust/,
        ) as unknown,
      }),
    ]);
    // The admin tool sends no email and answers no holder: it needs none.
    expect(load(noHelp, { purpose: 'admin' }).ok).toBe(true);
  });

  it('when the environment sets the contacts, then they are the ones the server names', () => {
    const s = settings(load({ ...productionKeys, ...tlsOf(cert()) }));
    expect(s.core.help).toEqual({
      phone: '0121 496 0000',
      walkIn: 'the IT service desk at the main entrance of Example Hospital',
    });
    expect(describeSettings(s)).toMatchObject({ help: s.core.help });
  });

  it('when the config file sets the contacts, then they are taken from it', () => {
    const file = writeConfig({ help: { phone: 'x2222', walkIn: 'the IT office in Block B' } });
    const s = settings(load({}, { configFile: file, development: true }));
    expect(s.core.help).toEqual({ phone: 'x2222', walkIn: 'the IT office in Block B' });
  });

  it('when only the number is set, then it asks for the walk-in place beside it', () => {
    const error = failure(load({ SCU_HELP_PHONE: 'x2222' }, { development: true }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'help.walkIn',
        source: 'not set',
        message: expect.stringContaining('set SCU_HELP_WALK_IN, or help.walkIn') as unknown,
      }),
    ]);
  });

  it('when a contact holds a hidden character or ends with a full stop, then it is refused by name and source', () => {
    const error = failure(
      load(
        { SCU_HELP_PHONE: 'x2222\u202e', SCU_HELP_WALK_IN: 'the IT office.' },
        { development: true },
      ),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'help.phone',
        source: 'environment variable SCU_HELP_PHONE',
        message: expect.stringContaining('\\u202e') as unknown,
      }),
      expect.objectContaining({
        setting: 'help.walkIn',
        source: 'environment variable SCU_HELP_WALK_IN',
        message: expect.stringContaining('full stop') as unknown,
      }),
    ]);
  });
});

describe('the text message and GOV.UK Notify settings', () => {
  const serviceId = '0b9c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
  const secret = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
  const apiKey = `smartcard-unlock-live-${serviceId}-${secret}`;
  const templates = {
    code: '11111111-2222-4333-8444-555555555555',
    unlockedNotice: '21111111-2222-4333-8444-555555555555',
    registeredNotice: '31111111-2222-4333-8444-555555555555',
  };
  const production = () => {
    const cert = makeTestCertificate(dir, 'notify');
    return { ...productionKeys, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile };
  };

  it('when nothing about delivery is set, then codes go by email over SMTP as before, and no Notify is configured', () => {
    const s = settings(load(production()));
    expect(s.core.delivery).toEqual({ channels: ['email'], email: 'smtp' });
    expect(s.core.notify).toBeUndefined();
  });

  it('when production offers text messages without an API key, then it refuses to start naming notify.apiKey and SCU_NOTIFY_API_KEY', () => {
    const file = writeConfig({ delivery: { channels: ['email', 'sms'] } });
    const error = failure(load(production(), { configFile: file }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'notify.apiKey',
        message: expect.stringContaining(
          'delivery.channels offers "sms", and that goes through GOV.UK Notify, which needs its API key: set SCU_NOTIFY_API_KEY',
        ) as unknown,
      }),
    ]);
  });

  it('when the key and the sms templates are set, then Notify is configured with its production URL and the key is never described', () => {
    const file = writeConfig({
      delivery: { channels: ['email', 'sms'] },
      notify: { templates: { sms: templates } },
    });
    const s = settings(load({ ...production(), SCU_NOTIFY_API_KEY: apiKey }, { configFile: file }));
    expect(s.core.notify).toMatchObject({
      apiKey,
      baseUrl: 'https://api.notifications.service.gov.uk',
      timeoutMs: 10_000,
      templates: { sms: templates },
      personalisation: { body: 'body', code: 'code', holderName: 'name' },
    });
    const described = JSON.stringify(describeSettings(s));
    expect(described).toContain('"templates":["sms"]');
    expect(described).not.toContain(secret);
    expect(described).not.toContain(serviceId);
  });

  it('when the sms templates leave out the registered notice (it always goes by email), then they are enough; an email set without it is named', () => {
    const { registeredNotice: _unused, ...smsOnly } = templates;
    const file = writeConfig({
      delivery: { channels: ['email', 'sms'] },
      notify: { templates: { sms: smsOnly } },
    });
    const s = settings(load({ ...production(), SCU_NOTIFY_API_KEY: apiKey }, { configFile: file }));
    expect(s.core.notify?.templates.sms).toEqual(smsOnly);
    const viaNotify = writeConfig({
      delivery: { channels: ['email'], email: 'notify' },
      notify: { templates: { email: smsOnly } },
    });
    const error = failure(
      load({ ...production(), SCU_NOTIFY_API_KEY: apiKey }, { configFile: viaNotify }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'notify.templates.email',
        message: expect.stringContaining('"registeredNotice"') as unknown,
      }),
    ]);
  });

  it('when the verification model is left out, then it is questions-and-code; code-only is taken; anything else is named', () => {
    expect(settings(load(production())).core.verification).toEqual({
      model: 'questions-and-code',
    });
    const codeOnly = writeConfig({ verification: { model: 'code-only' } });
    expect(settings(load(production(), { configFile: codeOnly })).core.verification).toEqual({
      model: 'code-only',
    });
    const typo = writeConfig({ verification: { model: 'code_only' } });
    expect(failure(load(production(), { configFile: typo })).issues).toEqual([
      expect.objectContaining({ setting: 'verification.model' }),
    ]);
  });

  it('when the API key is not in Notify’s form, then the message says what a key looks like and never echoes it', () => {
    const file = writeConfig({
      delivery: { channels: ['sms'] },
      notify: { templates: { sms: templates } },
    });
    const error = failure(
      load({ ...production(), SCU_NOTIFY_API_KEY: 'not-a-key-but-a-secret' }, { configFile: file }),
    );
    expect(error.issues).toEqual([
      {
        setting: 'notify.apiKey',
        source: 'environment variable SCU_NOTIFY_API_KEY',
        message: expect.stringContaining('is not a GOV.UK Notify API key') as unknown,
      },
    ]);
    expect(error.message).not.toContain('not-a-key-but-a-secret');
  });

  it('when sms is offered with a key but no sms templates, or a channel is named twice, then each is named', () => {
    const file = writeConfig({
      delivery: { channels: ['sms', 'sms'] },
      notify: { templates: { sms: templates } },
    });
    const error = failure(
      load({ ...production(), SCU_NOTIFY_API_KEY: apiKey }, { configFile: file }),
    );
    expect(error.issues.map((i) => i.setting)).toEqual(['delivery.channels']);
    const file2 = writeConfig({ delivery: { channels: ['sms'] }, notify: { templates: {} } });
    const error2 = failure(
      load({ ...production(), SCU_NOTIFY_API_KEY: apiKey }, { configFile: file2 }),
    );
    expect(error2.issues).toEqual([
      expect.objectContaining({
        setting: 'notify.templates.sms',
        message: expect.stringContaining('set notify.templates.sms') as unknown,
      }),
    ]);
  });

  it('when email goes through Notify, then production needs no SMTP server', () => {
    const { SMTP_HOST: _host, MAIL_FROM: _from, ...noSmtp } = production();
    const file = writeConfig({
      delivery: { email: 'notify' },
      notify: { templates: { email: templates } },
    });
    const s = settings(load({ ...noSmtp, SCU_NOTIFY_API_KEY: apiKey }, { configFile: file }));
    expect(s.core.delivery.email).toBe('notify');
  });
});

describe('the public address the "This wasn\'t me" links point at', () => {
  const production = () => {
    const c = makeTestCertificate(dir, 'public-url');
    return { ...productionKeys, TLS_CERT_FILE: c.certFile, TLS_KEY_FILE: c.keyFile };
  };

  it('when SCU_PUBLIC_URL is set, then it is taken without its trailing slash and described', () => {
    const s = settings(
      load({ ...production(), SCU_PUBLIC_URL: 'https://smartcard-unlock.trust.test/scu/' }),
    );
    expect(s.core.publicUrl).toBe('https://smartcard-unlock.trust.test/scu');
    expect(describeSettings(s)).toMatchObject({
      publicUrl: 'https://smartcard-unlock.trust.test/scu',
    });
  });

  it('when production has no public address while notices carry links, then it refuses, naming the variable and how to turn the link off', () => {
    const { SCU_PUBLIC_URL: _url, ...noUrl } = production();
    const error = failure(load(noUrl));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'publicUrl',
        source: 'not set',
        message: expect.stringMatching(
          /SCU_PUBLIC_URL.*"notMeLink": \{"enabled": false\}/,
        ) as unknown,
      }),
    ]);
    // With the link off, or for the admin tool (which sends no notice), none is needed.
    const off = writeConfig({ security: { notMeLink: { enabled: false } } });
    expect(settings(load(noUrl, { configFile: off })).core.publicUrl).toBeUndefined();
    expect(load(noUrl, { purpose: 'admin' }).ok).toBe(true);
  });

  it('when production gives a plain http address, then it refuses: the link carries a token', () => {
    const error = failure(load({ ...production(), SCU_PUBLIC_URL: 'http://scu.trust.test' }));
    expect(error.issues).toEqual([
      expect.objectContaining({
        setting: 'publicUrl',
        source: 'environment variable SCU_PUBLIC_URL',
        message: expect.stringContaining('https://') as unknown,
      }),
    ]);
  });

  it('when the address has a query or is not a URL, then the setting is named', () => {
    for (const bad of ['https://scu.trust.test/?a=1', 'scu.trust.test', 'ftp://scu.trust.test']) {
      const error = failure(load({ ...production(), SCU_PUBLIC_URL: bad }));
      expect(error.issues.map((i) => i.setting)).toEqual(['publicUrl']);
    }
  });

  it('when started with --dev and no address, then the links point at this server on its port', () => {
    const s = settings(load({ PORT: '8123' }, { development: true }));
    expect(s.core.publicUrl).toBe('http://127.0.0.1:8123');
    const anyAddress = settings(load({ HOST: '0.0.0.0', PORT: '8123' }, { development: true }));
    expect(anyAddress.core.publicUrl).toBe('http://127.0.0.1:8123');
  });

  it('when the link is left to its defaults, then it is on for 7 days; its days are bounded', () => {
    expect(settings(load(production())).core.security.notMeLink).toEqual({
      enabled: true,
      validDays: 7,
    });
    const tooLong = writeConfig({ security: { notMeLink: { validDays: 90 } } });
    const error = failure(load(production(), { configFile: tooLong }));
    expect(error.issues.map((i) => i.setting)).toEqual(['security.notMeLink.validDays']);
  });
});
