import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { PivClient } from '../card/piv-client';
import type { ReaderBackend, ReaderInfo } from '../card/types';
import type { Settings } from '../settings/settings-schema';
import type { CardReport, CardServiceReport, ServerReport } from './diagnostics-report';

/**
 * The real probes behind the diagnostics report: the card service through any ReaderBackend
 * (PC/SC or the mock reader), and the server's /healthz with its TLS certificate. Only read-only
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

/** Lists the readers and reads each present card's type, identifier and lock state. */
export async function probeCardService(
  backend: ReaderBackend,
  mock: boolean,
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
      ...(reader.hasCard ? { card: await probeCard(backend, reader) } : {}),
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

/**
 * GET {serverUrl}/healthz with the app's certificate rules (the pinned authority when set). The
 * certificate is reported even when it is not trusted, so the desk can tell the two failures apart;
 * nothing is sent but the GET.
 */
export function probeServer(settings: Settings): Promise<ServerReport> {
  const url = new URL(
    'healthz',
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
      if (https) {
        const socket = res.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        certificate = {
          subject: distinguishedName(peer.subject),
          issuer: distinguishedName(peer.issuer),
          validFrom: peer.valid_from,
          validTo: peer.valid_to,
          fingerprint256: peer.fingerprint256,
          trusted: socket.authorized,
          ...(socket.authorized ? {} : { problem: String(socket.authorizationError) }),
        };
      }
      res.resume();
      res.on('end', () =>
        resolve({
          ...base,
          reachable: true,
          status: res.statusCode ?? 0,
          healthy: res.statusCode === 200 && (certificate?.trusted ?? true),
          milliseconds: Date.now() - started,
          ...(certificate === undefined ? {} : { certificate }),
        }),
      );
    };
    const options = { method: 'GET', timeout: settings.requestTimeoutSeconds * 1000 };
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
