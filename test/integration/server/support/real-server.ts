import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, createOperatorApp } from '../../../../server/app';
import { loadConfig, type ServerSettings } from '../../../../server/config';
import { createConsole } from '../../../../server/console/create-console';
import { createServices } from '../../../../server/create-services';
import type { ServerRuntime } from '../../../../server/create-services';
import { createMetrics, domainEventsOf } from '../../../../server/http/metrics';
import { listen, type RunningServer } from '../../../../server/http/server';
import { createLogger } from '../../../../server/logging';
import { mailSettingsSchema, type MailSettings } from '../../../../server/mail/mail-settings';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import type { TestSmtpServer } from '../../../support/smtp';
import { cardProofMessage, type ProofPurpose } from '../../../../src/shared/card-identity';

/** A card's two P-256 keys, as a test holds them in place of the chip. */
export interface TestCard {
  readonly cardId: string;
  readonly pivAuthentication: KeyObject;
  readonly cardAuthentication: KeyObject;
  /** SubjectPublicKeyInfo DER of each key, for the import. */
  readonly spki: { readonly '9A': Uint8Array; readonly '9E': Uint8Array };
}

/** Makes a card with fresh keys. */
export function makeTestCard(cardId: string): TestCard {
  const a = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const e = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = (k: KeyObject): Uint8Array =>
    new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  return {
    cardId,
    pivAuthentication: a.privateKey,
    cardAuthentication: e.privateKey,
    spki: { '9A': spki(a.publicKey), '9E': spki(e.publicKey) },
  };
}

/** The card's proof for an attempt, base64 DER, as the app sends it. */
export function proofFor(
  card: TestCard,
  purpose: ProofPurpose,
  attemptId: string,
  nonce: string,
): string {
  const key = purpose === 'register' ? card.pivAuthentication : card.cardAuthentication;
  return sign('sha256', Buffer.from(cardProofMessage(purpose, attemptId, nonce)), {
    key,
    dsaEncoding: 'der',
  }).toString('base64');
}

/** The real server on its database and mail, its captured logs and the codes it mailed. */
export interface RealServer {
  readonly url: string;
  /** The operator listener: readiness and metrics. */
  readonly operatorUrl: string;
  readonly core: ServerRuntime;
  readonly settings: ServerSettings;
  readonly logs: string[];
  /** The codes mailed so far, oldest first. */
  codes(): string[];
  post(path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Where a real server keeps its data and sends its mail, when not the development defaults. */
export interface RealServerOptions {
  /** The database (a SQLite file or a PostgreSQL database); a SQLite file in DATA_DIR otherwise. */
  readonly storage?: StorageSettings;
  /** A real SMTP server that receives every mail; the development outbox otherwise. */
  readonly smtp?: TestSmtpServer;
  /** Mail settings over the test's SMTP defaults, such as shorter timeouts. */
  readonly smtpSettings?: Record<string, unknown>;
  /** More environment variables (such as SCU_NOTIFY_API_KEY) and a config file, as IT sets them. */
  readonly env?: Readonly<Record<string, string>>;
  readonly configFile?: string;
  /** The clock of the console's sessions, for tests of their expiry. */
  readonly consoleClock?: () => Date;
}

/** The code in a mail's text, without its space. */
function codeIn(text: string): string[] {
  const match = /(?:Smartcard Unlock Code|Confirmation code): ([A-Z0-9 ]+)/.exec(text);
  return match?.[1] === undefined ? [] : [match[1].replace(/ /g, '')];
}

/** Starts the real app and services (development settings on a fresh DATA_DIR) on port 0. */
export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const dir = mkdtempSync(join(tmpdir(), 'scu-real-'));
  const loaded = loadConfig({
    env: { DATA_DIR: dir, ...options.env },
    cwd: dir,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    development: true,
    purpose: 'server',
  });
  if (!loaded.ok) throw loaded.error;
  const defaultMail = loaded.value.core.mail;
  const mail: MailSettings =
    options.smtp === undefined
      ? // Codes are read from the outbox files; printing them would only clutter the test output.
        defaultMail.kind === 'outbox'
        ? { ...defaultMail, printCodes: false }
        : defaultMail
      : mailSettingsSchema.parse({
          kind: 'smtp',
          host: '127.0.0.1',
          port: options.smtp.port,
          requireStartTls: false,
          from: 'smartcard-unlock@trust.nhs.net',
          timeoutMs: 5_000,
          ...options.smtpSettings,
        });
  const settings: ServerSettings = {
    ...loaded.value,
    core: {
      ...loaded.value.core,
      mail,
      ...(options.storage === undefined ? {} : { storage: options.storage }),
    },
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger('debug', sink);
  // Wired as the server wires it: the domain's counters land in the app's metrics.
  const metrics = createMetrics({ processMetrics: false });
  const core = await createServices(settings.core, { logger, events: domainEventsOf(metrics) });
  const app = createApp({
    services: core,
    logger,
    http: settings.http,
    metrics,
    help: settings.core.help,
  });
  const running: RunningServer = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
  // The console, when its settings are given (SCU_CONSOLE_ISSUER and the client in `env`).
  const consoleRouter =
    settings.console === undefined
      ? undefined
      : createConsole({
          settings: settings.console,
          core,
          logger,
          httpsListener: false,
          ...(options.consoleClock === undefined ? {} : { now: options.consoleClock }),
        });
  const operator: RunningServer = await listen(
    createOperatorApp({
      services: core,
      logger,
      http: settings.http,
      metrics,
      ...(consoleRouter === undefined ? {} : { console: consoleRouter }),
    }),
    { host: '127.0.0.1', port: 0, tls: undefined },
  );
  const outbox = mail.kind === 'outbox' ? mail.dir : '';
  const { smtp } = options;
  return {
    url: running.url,
    operatorUrl: operator.url,
    core,
    settings,
    logs,
    codes: () =>
      smtp !== undefined
        ? smtp.received.flatMap((m) => codeIn(m.text))
        : readdirSync(outbox)
            .filter((f) => f.endsWith('.json'))
            .sort()
            .flatMap((f) =>
              codeIn((JSON.parse(readFileSync(join(outbox, f), 'utf8')) as { text: string }).text),
            ),
    async post(path, body) {
      const res = await fetch(running.url + path, {
        method: path.endsWith('#delete') ? 'DELETE' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    async close() {
      await Promise.all([running.close(1000), operator.close(1000)]);
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
