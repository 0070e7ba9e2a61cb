import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { PivClient } from '../card/piv-client';
import type { ReaderBackend, ReaderInfo } from '../card/types';
import type { Settings } from '../settings/settings-schema';
import { errorResponseSchema, healthResponseSchema } from '../../shared/http-api';
import type { CardReport, CardServiceReport, ServerReport } from '../../shared/diagnostics-report';

/**
 * The real probes behind the diagnostics report: the card service through any ReaderBackend
 * (PC/SC or the mock reader), and the server's public readiness with its TLS certificate. Only read-only
 * card commands are sent (SELECT, GET DATA, VERIFY without data, which spends no try).
 */

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

async function probeCard(backend: ReaderBackend, reader: ReaderInfo): Promise<CardReport> {
  const channel = await backend.connect(reader.name);
  if (!channel.ok) return { kind: 'unreadable', problem: channel.error.code };
  try {
    const piv = new PivClient(channel.value);
    const selected = await piv.select();
    if (!selected.ok) {
      return selected.error.code === 'not-piv'
        ? { kind: 'not-piv' }
        : { kind: 'unreadable', problem: selected.error.code };
    }
    const cardId = await piv.readCardId();
    const status = await piv.passcodeStatus();
    return {
      kind: 'piv',
      cardId: cardId.ok ? cardId.value : null,
      passcodeTriesLeft: status.ok ? status.value.triesLeft : null,
      locked: status.ok ? status.value.blocked : null,
    };
  } finally {
    await channel.value.close();
  }
}

/**
 * Lists the readers and reads each present card's type, identifier and lock state. With
 * `readCards` false (a step of a flow is using the card) the cards are only listed: a SELECT in the
 * middle of a step would reset the card's security state under it.
 */
export async function probeCardService(
  backend: ReaderBackend,
  mock: boolean,
  readCards = true,
): Promise<CardServiceReport> {
  const listed = await backend.listReaders();
  if (!listed.ok) {
    return {
      state: 'down',
      mock,
      problem:
        listed.error.code === 'service-down'
          ? 'the smart card service (pcscd, or Smart Card on Windows) is not running'
          : `the readers cannot be listed (${listed.error.code})`,
    };
  }
  const readers = [];
  for (const reader of listed.value) {
    readers.push({
      name: reader.name,
      hasCard: reader.hasCard,
      ...(reader.atr === undefined ? {} : { atr: hex(reader.atr) }),
      ...(!reader.hasCard
        ? {}
        : { card: readCards ? await probeCard(backend, reader) : { kind: 'in-use' as const } }),
    });
  }
  return { state: 'running', mock, readers };
}

/** Names an X.509 name object from getPeerCertificate as `CN=..., O=...`. */
function distinguishedName(name: unknown): string {
  if (name === null || typeof name !== 'object') return '(none)';
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** The most of an answer's body the probe reads: a status or error body is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * What the answer says: the database ready (200 ok) or down (503 SERVICE_UNAVAILABLE), or else
 * what is wrong with the answer.
 */
function readAnswer(
  status: number,
  body: string,
): { database: 'ok' | 'unavailable' } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (status === 200 && healthResponseSchema.safeParse(json).data?.status === 'ok') {
    return { database: 'ok' };
  }
  const code = errorResponseSchema.safeParse(json).data?.error.code;
  if (status === 503 && code === 'SERVICE_UNAVAILABLE') return { database: 'unavailable' };
  return {
    problem:
      code === undefined
        ? 'not an answer of the Smartcard Unlock Service (check the address; an older server has no /v1/status)'
        : `the server answered ${code}`,
  };
}

/**
 * GET {serverUrl}/v1/status (503 while the server's database is down) with the app's certificate
 * rules. An untrusted server's certificate is reported but its answer is not believed.
 */
export function probeServer(settings: Settings): Promise<ServerReport> {
  const url = new URL(
    'v1/status',
    settings.serverUrl.endsWith('/') ? settings.serverUrl : `${settings.serverUrl}/`,
  );
  const started = Date.now();
  const base = { url: settings.serverUrl, healthy: false };
  return new Promise((resolve) => {
    const https = url.protocol === 'https:';
    let ca: Buffer | undefined;
    if (https && settings.caCertificateFile !== null) {
      try {
        ca = readFileSync(settings.caCertificateFile);
      } catch (error) {
        resolve({
          ...base,
          reachable: false,
          problem: `the pinned CA file cannot be read: ${String(error)}`,
        });
        return;
      }
    }
    const onResponse = (res: IncomingMessage): void => {
      let certificate: ServerReport['certificate'];
      let trusted = true;
      let authorizationError = '';
      if (https) {
        const socket = res.socket as TLSSocket;
        trusted = socket.authorized;
        authorizationError = String(socket.authorizationError);
        const peer = socket.getPeerCertificate() as Partial<
          ReturnType<TLSSocket['getPeerCertificate']>
        >;
        // Empty when TLS sent none (a resumed session): the trust answer still stands.
        if (typeof peer.fingerprint256 === 'string') {
          certificate = {
            subject: distinguishedName(peer.subject),
            issuer: distinguishedName(peer.issuer),
            validFrom: String(peer.valid_from),
            validTo: String(peer.valid_to),
            fingerprint256: peer.fingerprint256,
            trusted,
            ...(trusted ? {} : { problem: authorizationError }),
          };
        }
      }
      const withCertificate = certificate === undefined ? {} : { certificate };
      if (!trusted) {
        res.resume();
        resolve({
          ...base,
          reachable: true,
          ...(certificate === undefined
            ? { problem: `its certificate is not trusted (${authorizationError})` }
            : { certificate }),
        });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const answer = readAnswer(status, Buffer.concat(chunks).toString('utf8'));
        resolve({
          ...base,
          reachable: true,
          status,
          healthy: 'database' in answer && answer.database === 'ok',
          milliseconds: Date.now() - started,
          ...answer,
          ...withCertificate,
        });
      });
    };
    // No agent: a fresh connection and a full TLS handshake every time. A pooled or resumed
    // session sends no certificate, and a second check (Check again) would have none to show.
    const options = {
      method: 'GET',
      timeout: settings.requestTimeoutSeconds * 1000,
      agent: false as const,
    };
    const req = https
      ? // Not rejecting here only lets the report show an untrusted certificate; the app itself rejects it.
        httpsRequest(
          url,
          { ...options, rejectUnauthorized: false, ...(ca ? { ca } : {}) },
          onResponse,
        )
      : httpRequest(url, options, onResponse);
    req.on('timeout', () =>
      req.destroy(new Error(`no answer in ${settings.requestTimeoutSeconds} s`)),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ...base, reachable: false, problem: error.code ?? error.message }),
    );
    req.end();
  });
}
