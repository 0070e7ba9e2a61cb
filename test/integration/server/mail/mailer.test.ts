import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMailer, type OutgoingMail } from '../../../../server/mail/mailer';
import { mailSettingsSchema } from '../../../../server/mail/mail-settings';
import { unlockCodeMail } from '../../../../server/mail/templates';
import { DEMO_HELP_CONTACTS } from '../../../../src/shared/help';
import { decodeMail, startSmtpServer, type TestSmtpServer } from '../../../support/smtp';
import { capturingLogger } from '../domain/harness';

const codeMail = (code: string): OutgoingMail => ({
  ...unlockCodeMail('Mr John Rigby', code, 10, DEMO_HELP_CONTACTS),
  to: 'john.rigby@nhs.net',
  purpose: 'unlock-code',
  code,
});

describe('the SMTP mailer', () => {
  let smtp: TestSmtpServer;
  const auth = { user: 'unlock-service', pass: 'mail-password-1' };
  beforeAll(async () => {
    smtp = await startSmtpServer(auth);
  });
  afterAll(async () => {
    await smtp.stop();
  });

  const makeMailer = (overrides: Record<string, unknown> = {}) => {
    const logger = capturingLogger();
    const settings = mailSettingsSchema.parse({
      kind: 'smtp',
      host: '127.0.0.1',
      port: smtp.port,
      requireStartTls: false,
      auth,
      from: 'Smartcard Unlock <smartcard-unlock@trust.nhs.net>',
      timeoutMs: 5000,
      ...overrides,
    });
    return { logger, mailer: createMailer(settings, logger) };
  };

  it('when a code is mailed, then the server receives text and HTML bodies with the code and help contacts', async () => {
    const { mailer } = makeMailer();
    const before = smtp.received.length;
    expect(await mailer.send(codeMail('ABCD2345'))).toBe('sent');
    const mail = await smtp.nextMail(before);
    expect(mail.from).toBe('smartcard-unlock@trust.nhs.net');
    expect(mail.to).toEqual(['john.rigby@nhs.net']);
    expect(mail.subject).toBe('Your Smartcard Unlock Code');
    expect(mail.text).toContain('Smartcard Unlock Code: ABCD 2345');
    expect(mail.html).toContain('ABCD 2345');
    expect(mail.text).toContain('x4050');
    mailer.close();
  });

  it('when the password is wrong, then sending fails without throwing and the log has no secret', async () => {
    const { mailer, logger } = makeMailer({
      auth: { user: 'unlock-service', pass: 'wrong-password' },
    });
    expect(await mailer.send(codeMail('WXYZ6789'))).toBe('not-sent');
    const logs = logger.lines.join('\n');
    expect(logs).toContain('mail could not be sent');
    expect(logs).not.toContain('WXYZ6789');
    expect(logs).not.toContain('wrong-password');
    mailer.close();
  });

  it('when the server is down, then sending fails, and once it is back the same mailer sends again', async () => {
    const { mailer } = makeMailer();
    await smtp.down();
    try {
      expect(await mailer.send(codeMail('DOWN2345'))).toBe('not-sent');
    } finally {
      await smtp.up();
    }
    const before = smtp.received.length;
    expect(await mailer.send(codeMail('BACK2345'))).toBe('sent');
    expect((await smtp.nextMail(before)).text).toContain('BACK 2345');
    mailer.close();
  });
});

describe('the SMTP mailer behind a relay that stalls', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.stop();
  });
  const stalling = () =>
    createMailer(
      mailSettingsSchema.parse({
        kind: 'smtp',
        host: '127.0.0.1',
        port: smtp.port,
        requireStartTls: false,
        from: 'smartcard-unlock@trust.nhs.net',
        // Short, but long enough for a loaded machine to reach DATA on loopback.
        timeoutMs: 3_000,
        sendTimeoutMs: 6_000,
      }),
      capturingLogger(),
    );

  it('when the relay stalls before taking the message (at MAIL FROM), then the send is certainly not sent', async () => {
    const mailer = stalling();
    const release = smtp.holdEnvelopes();
    const before = smtp.received.length;
    try {
      expect(await mailer.send(codeMail('STAL2345'))).toBe('not-sent');
    } finally {
      release();
      mailer.close();
    }
    expect(smtp.received.length).toBe(before);
  });

  it('when the relay was sent the message but answers late, then the outcome is unknown and the message arrives', async () => {
    const mailer = stalling();
    const release = smtp.holdReplies();
    const before = smtp.received.length;
    try {
      expect(await mailer.send(codeMail('LATE2345'))).toBe('unknown');
    } finally {
      release();
      mailer.close();
    }
    expect((await smtp.nextMail(before)).text).toContain('LATE 2345');
  });
});

describe('the outbox mailer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcard-unlock-outbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a message is sent, then an .eml and a .json file appear in the outbox', async () => {
    const outbox = join(dir, 'quiet');
    const mailer = createMailer(
      mailSettingsSchema.parse({ kind: 'outbox', dir: outbox }),
      capturingLogger(),
      () => new Date('2026-03-02T09:00:00Z'),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await mailer.send(codeMail('ABCD2345'))).toBe('sent');
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
    const files = readdirSync(outbox).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^2026-03-02T09-00-00-000Z-0001-unlock-code\.eml$/);
    const eml = decodeMail(readFileSync(join(outbox, files[0]!), 'utf8'));
    expect(eml.subject).toBe('Your Smartcard Unlock Code');
    expect(eml.text).toContain('ABCD 2345');
    const index = JSON.parse(readFileSync(join(outbox, files[1]!), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(index).toMatchObject({ to: 'john.rigby@nhs.net', purpose: 'unlock-code' });
  });

  it('when codes are to be printed (development), then the code goes to the console', async () => {
    const mailer = createMailer(
      mailSettingsSchema.parse({ kind: 'outbox', dir: join(dir, 'dev'), printCodes: true }),
      capturingLogger(),
    );
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await mailer.send(codeMail('PRNT2345'));
      expect(log).toHaveBeenCalledWith(expect.stringContaining('PRNT2345'));
    } finally {
      log.mockRestore();
    }
  });

  it('when the outbox cannot be written, then sending fails without throwing', async () => {
    const blocked = join(dir, 'file');
    writeFileSync(blocked, 'not a folder');
    const mailer = createMailer(
      mailSettingsSchema.parse({ kind: 'outbox', dir: join(blocked, 'outbox') }),
      capturingLogger(),
    );
    expect(await mailer.send(codeMail('FAIL2345'))).toBe('not-sent');
  });
});
