import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ServerSettings } from '../../../server/config';
import { API_ROUTES } from '../../../src/shared/http-api';
import { makeTestCertificate } from '../server/config/test-certificate';

// The reverse-proxy samples are checked by pattern against the server's own settings: nginx and
// HAProxy are not among the packages .ci/run installs, so their syntax is not checked here.
const deploy = join(import.meta.dirname, '..', '..', '..', 'deploy');
const nginx = readFileSync(join(deploy, 'nginx', 'smartcard-unlock.conf'), 'utf8');
const haproxy = readFileSync(join(deploy, 'haproxy', 'smartcard-unlock.cfg'), 'utf8');

/** The settings of deploy/server/config.sample.json, as a production server loads them. */
function sampleSettings(): ServerSettings {
  const dir = mkdtempSync(join(tmpdir(), 'scu-proxy-'));
  const tls = makeTestCertificate(dir);
  const key = () => randomBytes(32).toString('base64');
  const result = loadConfig({
    env: {
      DATA_DIR: dir,
      TLS_CERT_FILE: tls.certFile,
      TLS_KEY_FILE: tls.keyFile,
      SCU_KEY_ENCRYPTION_KEYS: `k1=${key()}`,
      SCU_ACTIVE_KEY_ID: 'k1',
      SCU_ANSWER_PEPPER: key(),
    },
    cwd: dir,
    configFile: join(deploy, 'server', 'config.sample.json'),
    purpose: 'server',
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const settings = sampleSettings();
const limits = settings.http.connections;

/** Lines without comments. */
const directives = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);

/** Every capture of `pattern` (one group) in the directives. */
const all = (text: string, pattern: RegExp): string[] =>
  directives(text).flatMap((l) => {
    const m = pattern.exec(l);
    return m === null ? [] : [m[1]!];
  });

/** A duration such as 10s or 4s in milliseconds. */
const ms = (text: string | undefined): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(text ?? '');
  if (m === null) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
};

/**
 * The paths the public listener serves: /v1 (every API route is under it), liveness, the document,
 * and the unlock notice's "This wasn't me" page.
 */
const PUBLIC_PATHS = ['/v1/', '/healthz', '/openapi.json', '/not-me'];

describe('the reverse-proxy samples against the server settings sample', () => {
  it('when the settings sample is loaded, then every API route is under /v1/ and the operator port is the public port + 1', () => {
    for (const route of Object.values(API_ROUTES)) expect(route.path.startsWith('/v1/')).toBe(true);
    expect(settings.port).toBe(8443);
    expect(settings.operator?.port).toBe(8444);
  });

  it('when nginx proxies, then it sends the public paths only to the public port, within the server limits', () => {
    const upstreams = all(nginx, /^server\s+\S+:(\d+)\b/);
    expect(upstreams.length).toBeGreaterThan(0);
    for (const port of upstreams) expect(Number(port)).toBe(settings.port);
    for (const n of all(nginx, /max_conns=(\d+)/)) {
      expect(Number(n)).toBeLessThanOrEqual(limits.maxConnections);
    }
    const locations = directives(nginx)
      .map((l, i, lines) => ({ l, next: lines[i + 1] ?? '' }))
      .filter(({ l }) => l.startsWith('location'))
      .filter(({ next }) => next.startsWith('proxy_pass'))
      .map(({ l }) => l.replace(/^location\s+(=\s+)?/, '').replace(/\s*\{$/, ''));
    expect(locations.sort()).toEqual([...PUBLIC_PATHS].sort());
    expect(nginx).not.toMatch(/location[^\n]*(readyz|metrics)/);
    expect(directives(nginx).join('\n')).not.toContain(`:${settings.operator?.port}`);
    // Idle upstream connections dropped before the server drops them.
    expect(ms(all(nginx, /^keepalive_timeout\s+(\S+);/)[0])).toBeLessThan(
      limits.keepAliveTimeoutMs,
    );
    expect(ms(all(nginx, /^client_header_timeout\s+(\S+);/)[0])).toBeLessThanOrEqual(
      limits.headersTimeoutMs,
    );
    expect(ms(all(nginx, /^client_body_timeout\s+(\S+);/)[0])).toBeLessThanOrEqual(
      limits.requestTimeoutMs,
    );
    expect(Number(all(nginx, /^client_max_body_size\s+(\d+)k;/)[0]) * 1024).toBeLessThanOrEqual(
      settings.http.bodyLimitBytes,
    );
    expect(all(nginx, /^proxy_set_header\s+X-Forwarded-For\s+(\S+);/)).toEqual(['$remote_addr']);
  });

  it('when HAProxy balances, then it checks /readyz on the operator port and passes the public paths to the public port', () => {
    const servers = all(haproxy, /^(server\s.*)$/);
    const primaries = servers.filter((s) => !/\bbackup\b/.test(s));
    expect(primaries.length).toBeGreaterThan(0);
    for (const line of servers) expect(line).toMatch(new RegExp(`:${settings.port}\\b`));
    for (const line of primaries) {
      expect(line).toMatch(new RegExp(`\\bport ${settings.operator?.port}\\b`));
      expect(line).toMatch(/\bcheck\b/);
    }
    // The fallback for "no instance ready" is the same instances, unchecked.
    const address = (line: string) => line.split(/\s+/)[2];
    expect(servers.filter((s) => /\bbackup\b/.test(s)).map(address)).toEqual(
      primaries.map(address),
    );
    expect(all(haproxy, /^http-check send .*\buri (\S+)/)).toEqual(['/readyz']);
    const paths = all(haproxy, /^acl scu_public path(?:_beg)? (.+)$/).flatMap((p) => p.split(' '));
    expect(paths.sort()).toEqual([...PUBLIC_PATHS].sort());
    expect(ms(all(haproxy, /^timeout http-request (\S+)/)[0])).toBeLessThanOrEqual(
      limits.headersTimeoutMs,
    );
    expect(Number(all(haproxy, /content-length\) gt (\d+)/)[0])).toBeLessThanOrEqual(
      settings.http.bodyLimitBytes,
    );
    for (const n of all(haproxy, /\bmaxconn (\d+)/)) {
      expect(Number(n)).toBeLessThanOrEqual(limits.maxConnections);
    }
    expect(all(haproxy, /^http-request set-header X-Forwarded-For (\S+)/)).toEqual(['%[src]']);
  });

  it("when either proxy logs /not-me, then it logs the path without the query, which holds the link's token", () => {
    // nginx: the /not-me location logs with a format that has $uri, never $request or $args.
    const notMe = /location = \/not-me \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    const format = /access_log\s+\S+\s+(\w+);/.exec(notMe)?.[1];
    expect(format).toBeDefined();
    const definition = new RegExp(`log_format ${format} ([^;]*);`).exec(nginx)?.[1] ?? '';
    expect(definition).toContain('$uri');
    expect(definition).not.toMatch(/\$request\b|\$request_uri|\$args|\$query_string/);
    // HAProxy: the one log format has the path (%HP), never the request line or the whole URI.
    const logFormats = all(haproxy, /^log-format (.+)$/);
    expect(logFormats).toHaveLength(1);
    expect(logFormats[0]).toContain('%HP');
    expect(logFormats[0]).not.toMatch(/%\{\+Q\}r|%r\b|%HU|%HQ/);
    expect(haproxy).not.toMatch(/^\s*option httplog/m);
  });
});
