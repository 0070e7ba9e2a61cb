import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { DomainLogger } from '../domain/ports';
import type { MailSettings } from './mail-settings';
import type { MailContent } from './templates';

/** One message to one holder. */
export interface OutgoingMail extends MailContent {
  readonly to: string;
  /** What the message is, for logs and the outbox index: never its contents. */
  readonly purpose: 'unlock-code' | 'registration-code' | 'unlocked-notice' | 'registered-notice';
  /** The code the message carries, printed only by a development outbox. */
  readonly code?: string;
}

/** Sends mail; `send` resolves false (never throws) when the message could not be handed over. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<boolean>;
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

function smtpMailer(
  settings: Extract<MailSettings, { kind: 'smtp' }>,
  logger: DomainLogger,
): Mailer {
  const transport = nodemailer.createTransport({
    // Pooled connections: a busy server does not open one connection (and handshake) per code.
    pool: true,
    maxConnections: 3,
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
  return {
    async send(mail) {
      try {
        await transport.sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        logger.info({ purpose: mail.purpose }, 'mail sent');
        return true;
      } catch (e) {
        // The error names the server and the failure, never the message body.
        logger.warn(
          { purpose: mail.purpose, smtpError: e instanceof Error ? e.message : String(e) },
          'mail could not be sent',
        );
        return false;
      }
    },
    close: () => transport.close(),
  };
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
        return true;
      } catch (e) {
        logger.warn(
          { purpose: mail.purpose, outboxError: e instanceof Error ? e.message : String(e) },
          'mail could not be written to the outbox',
        );
        return false;
      }
    },
    close: () => undefined,
  };
}
