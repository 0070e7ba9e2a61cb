import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailPurpose, SendOutcome } from '../domain/delivery-port';
import type { DomainLogger } from '../domain/ports';
import type { MailSettings } from './mail-settings';
import type { MailContent } from './templates';

/** One message to one holder. */
export interface OutgoingMail extends MailContent {
  readonly to: string;
  /** What the message is, for logs and the outbox index: never its contents. */
  readonly purpose: MailPurpose;
  /** The code the message carries, printed only by a development outbox. */
  readonly code?: string;
}

/** What became of a send (declared beside the domain's mail port). */
export type { SendOutcome };

/** Sends mail; `send` never throws and resolves within the mail settings' bound. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

/** Builds the configured mailer: SMTP, or an outbox folder for offline use. */
export function createMailer(
  settings: MailSettings,
  logger: DomainLogger,
  now: () => Date = () => new Date(),
): Mailer {
  return settings.kind === 'smtp'
    ? smtpMailer(settings, logger)
    : outboxMailer(settings, logger, now);
}

/** Connections to the relay at once; sends beyond them wait in `SendSlots`. */
const RELAY_CONNECTIONS = 3;

function smtpMailer(
  settings: Extract<MailSettings, { kind: 'smtp' }>,
  logger: DomainLogger,
): Mailer {
  const transport = nodemailer.createTransport({
    // Pooled connections: a busy server does not open one connection (and handshake) per code.
    pool: true,
    maxConnections: RELAY_CONNECTIONS,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && settings.requireStartTls,
    ignoreTLS: !settings.secure && !settings.requireStartTls,
    ...(settings.auth === undefined ? {} : { auth: settings.auth }),
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  const slots = new SendSlots(RELAY_CONNECTIONS);
  // The connection starts reading the message only after the relay's 354 to DATA: from then on
  // the relay may have it, so a send that runs out of time there has an unknown outcome.
  const handedOver = new WeakMap<AbortSignal, () => void>();
  transport.use('stream', (message, done) => {
    const signal: unknown = message.data.signal;
    const onRead = signal instanceof AbortSignal ? handedOver.get(signal) : undefined;
    if (onRead !== undefined) {
      message.message.processFunc((output) => {
        output.once('resume', onRead);
        return output;
      });
    }
    done();
  });
  return {
    async send(mail) {
      const deadline = AbortSignal.timeout(settings.sendTimeoutMs);
      let relayHasIt = false;
      handedOver.set(deadline, () => {
        relayHasIt = true;
      });
      const release = await slots.acquire(deadline);
      if (release === undefined) {
        logger.warn(
          { purpose: mail.purpose, smtpError: 'no connection to the mail server was free in time' },
          'mail could not be sent',
        );
        return 'not-sent';
      }
      try {
        await transport.sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          signal: deadline,
        });
        logger.info({ purpose: mail.purpose }, 'mail sent');
        return 'sent';
      } catch (e) {
        const outcome = relayHasIt && (deadline.aborted || unanswered(e)) ? 'unknown' : 'not-sent';
        // A relay that cannot be reached fails every waiting send now, not one round at a time.
        if (!relayHasIt && unanswered(e)) slots.failWaiting();
        // The error names the server and the failure, never the message body.
        logger.warn(
          { purpose: mail.purpose, smtpError: e instanceof Error ? e.message : String(e) },
          outcome === 'unknown'
            ? 'mail server did not answer in time: the mail may still arrive'
            : 'mail could not be sent',
        );
        return outcome;
      } finally {
        release();
      }
    },
    close: () => transport.close(),
  };
}

/** True when the relay went silent or away rather than answering: a timeout or a lost connection. */
function unanswered(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, responseCode } = e as { code?: unknown; responseCode?: unknown };
  if (typeof responseCode === 'number') return false;
  return code === 'ETIMEDOUT' || code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS';
}

/**
 * The sends that may use the relay at once, and the rest waiting in order. nodemailer's own queue
 * cannot tell a caller whether its message was ever handed over; this one can.
 */
class SendSlots {
  private free: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  /** Resolves a release function, or undefined when the deadline passed or waiting sends failed. */
  async acquire(deadline: AbortSignal): Promise<(() => void) | undefined> {
    if (this.free > 0) {
      this.free -= 1;
      return this.releaser();
    }
    const granted = await new Promise<boolean>((resolve) => {
      const wake = (ok: boolean) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(wake);
      deadline.addEventListener('abort', onAbort, { once: true });
    });
    return granted ? this.releaser() : undefined;
  }

  /** Fails every waiting send. */
  failWaiting(): void {
    for (const wake of this.waiting.splice(0)) wake(false);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.free += 1;
      else next(true);
    };
  }
}

function outboxMailer(
  settings: Extract<MailSettings, { kind: 'outbox' }>,
  logger: DomainLogger,
  now: () => Date,
): Mailer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  let sequence = 0;
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        await mkdir(settings.dir, { recursive: true });
        const stem = `${now().toISOString().replace(/[:.]/g, '-')}-${String(++sequence).padStart(4, '0')}-${mail.purpose}`;
        await writeFile(join(settings.dir, `${stem}.eml`), info.message as Buffer, { mode: 0o600 });
        await writeFile(
          join(settings.dir, `${stem}.json`),
          `${JSON.stringify({ to: mail.to, from: settings.from, subject: mail.subject, purpose: mail.purpose, text: mail.text }, null, 2)}\n`,
          { mode: 0o600 },
        );
        logger.info({ purpose: mail.purpose, outbox: settings.dir }, 'mail written to the outbox');
        if (settings.printCodes && mail.code !== undefined) {
          // Development only (mail.printCodes): lets a tester without a mailbox find the code.
          console.log(`[outbox] ${mail.purpose} for ${mail.to}: ${mail.code}`);
        }
        return 'sent';
      } catch (e) {
        logger.warn(
          { purpose: mail.purpose, outboxError: e instanceof Error ? e.message : String(e) },
          'mail could not be written to the outbox',
        );
        return 'not-sent';
      }
    },
    close: () => undefined,
  };
}
