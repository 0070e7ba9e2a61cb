import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { createApp } from '../server/app';
import { createServices } from '../server/create-services';
import { createMetrics, domainEventsOf } from '../server/http/metrics';
import { rateLimitStoresFor } from '../server/http/rate-limit-store';
import { listen } from '../server/http/server';
import { createLogger } from '../server/logging';
import { AnswerHasher } from '../server/security/answer-hasher';
import { devServerSettings, localDeliverySettings } from '../test/support/local-relays';
import { answerLines, lineChild } from './line-child';

/**
 * bench/unlock's server side, in a process of its own as on the server's machine; its SMTP relay
 * and the local Notify in another (bench/unlock-relays.ts). It prints `{"url"}` once ready, then
 * answers one JSON line per command line (`Command` below) until its input ends.
 */

const RELAYS_ENTRY = join(import.meta.dirname, 'unlock-relays.ts');

const base64 = z.string().min(1);
/** What bench/unlock asks for. */
const commandSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('enrol'),
    card: z.object({
      cardId: z.string(),
      holderName: z.string(),
      email: z.string(),
      mobile: z.string(),
      pivAuthentication: base64,
      cardAuthentication: base64,
      puk: z.string(),
    }),
  }),
  /** Requests counted, their time inside the server (ms), and mails received so far. */
  z.object({ op: z.literal('counters') }),
  /** The code in the next code mail received after the first `after` mails. */
  z.object({ op: z.literal('code'), after: z.number().int().min(0) }),
  /** Hashes the answers as the server stored them, for `argon2`. */
  z.object({ op: z.literal('hash'), answers: z.array(z.string()) }),
  /** The answers' verifications, all at once as the server runs them: ms. */
  z.object({ op: z.literal('argon2') }),
  /** The code mails among mails [from, to) handed again to the relay by a bare client: ms. */
  z.object({ op: z.literal('relay'), from: z.number().int().min(0), to: z.number().int().min(0) }),
]);
type Command = z.infer<typeof commandSchema>;

/**
 * A bare SMTP client on one open connection: MAIL, RCPT, DATA and the message, each reply awaited,
 * as the server's pooled transport hands a mail over; no MIME building, no TLS (neither has one).
 */
async function bareSmtp(port: number) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let buffered = '';
  let waiting: ((line: string) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    // A reply's last line is "NNN text"; the lines before it are "NNN-text".
    const last = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffered);
    if (last !== null && waiting !== undefined) {
      const done = waiting;
      waiting = undefined;
      buffered = '';
      done(last[1]!);
    }
  });
  const reply = (send?: string) =>
    new Promise<string>((resolve) => {
      waiting = resolve;
      if (send !== undefined) socket.write(send);
    });
  const expect = async (send: string | undefined, code: string) => {
    const got = await reply(send);
    if (got !== code) throw new Error(`bare SMTP: ${got}, not ${code}`);
  };
  await expect(undefined, '220');
  await expect('EHLO bench\r\n', '250');
  return {
    time: async (raws: readonly string[]): Promise<number> => {
      const start = performance.now();
      for (const raw of raws) {
        await expect('MAIL FROM:<smartcard-unlock@trust.nhs.net>\r\n', '250');
        await expect('RCPT TO:<bench.holder@nhs.test>\r\n', '250');
        await expect('DATA\r\n', '354');
        const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
        await expect(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, '250');
      }
      return performance.now() - start;
    },
    close: () => socket.destroy(),
  };
}

/** Where the relays process listens. */
interface Relays {
  readonly smtpPort: number;
  readonly notifyBaseUrl: string;
  readonly notifyApiKey: string;
}

/** The real server: SQLite, SMTP, the local Notify, as production wires it. */
async function startServer(dir: string, relays: Relays) {
  const { smtpPort, notifyBaseUrl } = relays;
  const configFile = join(dir, 'server.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...localDeliverySettings({ smtpPort, notifyBaseUrl, timeoutMs: 5000 }),
      // One card unlocked every round: the release cap raised to its maximum, and the per-address
      // limits above what 18 rounds from one address send in a minute (they cost the same).
      security: { puk: { maxReleasesPerDay: 20 } },
      http: { rateLimit: { maxRequests: 1000, maxAttemptStarts: 100 } },
    }),
  );
  const settings = devServerSettings(dir, configFile, {
    DATA_DIR: dir,
    SCU_NOTIFY_API_KEY: relays.notifyApiKey,
  });
  // Production logs every /v1 request at info; the bench pays the same cost, into /dev/null.
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const metrics = createMetrics({ processMetrics: false });
  const services = await createServices(settings.core, { logger, events: domainEventsOf(metrics) });
  const app = createApp({
    services,
    logger,
    http: settings.http,
    metrics,
    rateLimitStore: rateLimitStoresFor(settings.core.storage, services.database.db),
    help: settings.core.help,
  });
  const running = await listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
  let requests = 0;
  let serverMs = 0;
  // Each request's time in the server, from its arrival to its answer's last byte written.
  running.server.on('request', (_req, res: ServerResponse) => {
    requests += 1;
    const start = performance.now();
    res.once('finish', () => (serverMs += performance.now() - start));
  });
  return {
    url: running.url,
    services,
    settings,
    requests: () => requests,
    serverMs: () => serverMs,
    close: async () => {
      await running.close(100);
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-unlock-server-'));
  // Undone in reverse whatever happens: the folder holds the server's development keys.
  const cleanups: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    await serve(dir, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Starts the server side in `dir`, then answers commands until the input ends. */
async function serve(dir: string, cleanups: (() => unknown)[]): Promise<void> {
  const relays = lineChild(RELAYS_ENTRY);
  cleanups.push(() => relays.stop());
  const where = JSON.parse(await relays.read()) as Relays;
  const server = await startServer(dir, where);
  cleanups.push(() => server.close());
  const relay = await bareSmtp(where.smtpPort);
  cleanups.push(() => relay.close());
  const hasher = new AnswerHasher(
    server.settings.core.keys.answerPepper,
    server.settings.core.security.answers.argon2,
  );
  let stored: { hash: string; answer: string }[] = [];
  const der = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
  const answer = async (command: Command): Promise<unknown> => {
    switch (command.op) {
      case 'enrol': {
        const { card } = command;
        const imported = await server.services.admin.importCards(
          [
            {
              ...card,
              pivAuthentication: der(card.pivAuthentication),
              cardAuthentication: der(card.cardAuthentication),
            },
          ],
          'admin:bench',
        );
        if (!imported.ok) throw new Error(`enrolling the bench card: ${imported.error.code}`);
        return { ok: true };
      }
      case 'counters':
        return {
          requests: server.requests(),
          serverMs: server.serverMs(),
          mails: ((await relays.askJson({ op: 'count' })) as { mails: number }).mails,
        };
      case 'code':
        return await relays.askJson(command);
      case 'hash':
        stored = await Promise.all(
          command.answers.map(async (a) => ({ hash: await hasher.hash(a), answer: a })),
        );
        return { ok: true };
      case 'argon2': {
        const start = performance.now();
        await Promise.all(stored.map((s) => hasher.verify(s.hash, s.answer)));
        return { ms: performance.now() - start, verifications: stored.length };
      }
      case 'relay': {
        const { raws } = (await relays.askJson({ ...command, op: 'raws' })) as { raws: string[] };
        return { ms: await relay.time(raws), mails: raws.length };
      }
    }
  };
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  await answerLines((line) => answer(commandSchema.parse(line)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
