import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, loadConfig } from '../../../server/config';
import { makeTestCertificate } from '../server/config/test-certificate';

const deploy = join(import.meta.dirname, '..', '..', '..', 'deploy');

/** The variables a sample env file sets, ignoring comments. */
function envFileNames(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));
}

describe('server deployment samples', () => {
  it('when the server loads the sample config with real secrets, then production settings are accepted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scu-sample-'));
    const tls = makeTestCertificate(dir);
    const result = loadConfig({
      env: {
        DATA_DIR: dir,
        TLS_CERT_FILE: tls.certFile,
        TLS_KEY_FILE: tls.keyFile,
        SCU_KEY_ENCRYPTION_KEYS: `k1=${randomBytes(32).toString('base64')}`,
        SCU_ACTIVE_KEY_ID: 'k1',
        SCU_ANSWER_PEPPER: randomBytes(32).toString('base64'),
      },
      cwd: dir,
      configFile: join(deploy, 'server', 'config.sample.json'),
      purpose: 'server',
    });
    expect(result.ok, !result.ok ? result.error.message : '').toBe(true);
    if (!result.ok) return;
    expect(result.value.core.storage.kind).toBe('postgres');
    expect(result.value.core.mail.kind).toBe('smtp');
    expect(result.value.http.trustProxy).toBe('10.0.0.0/8');
    expect(result.value.development).toBe(false);
    // Readiness and metrics on loopback at the public port + 1 unless IT opens them up.
    expect(result.value.operator).toEqual({ host: '127.0.0.1', port: 8444 });
    expect(result.value.http.connections.headersTimeoutMs).toBe(10_000);
    // The trust's own desk, which production requires (the built-in one is the demo's).
    expect(result.value.core.help.phone).toBe('0121 496 0000');
  });

  it('when the secrets sample is read, then every variable it sets is one the server knows', () => {
    const names = envFileNames(readFileSync(join(deploy, 'server', 'secrets.env.sample'), 'utf8'));
    expect(names).toEqual(expect.arrayContaining(['SCU_KEY_ENCRYPTION_KEYS', 'SCU_ANSWER_PEPPER']));
    const known = new Set(ENVIRONMENT.map((e) => e.name));
    for (const name of names) expect(known.has(name), name).toBe(true);
  });
});
