import { z } from 'zod';
import { startLocalNotify } from '../test/support/local-relays';
import { carriesCode, codeInMail, startSmtpServer } from '../test/support/smtp';
import { answerLines } from './line-child';

/**
 * bench/unlock's relays, in a process of their own as on machines of their own: the SMTP relay and
 * the local Notify. Prints `{"smtpPort","notifyBaseUrl","notifyApiKey"}` once ready, then answers
 * one JSON line per command line until its input ends.
 */

const commandSchema = z.discriminatedUnion('op', [
  /** Mails received so far. */
  z.object({ op: z.literal('count') }),
  /** The code in the next code mail received after the first `after` mails. */
  z.object({ op: z.literal('code'), after: z.number().int().min(0) }),
  /** The raw code mails among mails [from, to). */
  z.object({ op: z.literal('raws'), from: z.number().int().min(0), to: z.number().int().min(0) }),
]);

async function main(): Promise<void> {
  const smtp = await startSmtpServer();
  const notify = await startLocalNotify();
  try {
    const ready = {
      smtpPort: smtp.port,
      notifyBaseUrl: notify.baseUrl,
      notifyApiKey: notify.apiKey,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    await answerLines(async (line) => {
      const command = commandSchema.parse(line);
      switch (command.op) {
        case 'count':
          return { mails: smtp.received.length };
        case 'code':
          return { code: codeInMail(await smtp.nextCodeMail(command.after)) };
        case 'raws':
          return {
            raws: smtp.received
              .slice(command.from, command.to)
              .filter(carriesCode)
              .map((m) => m.raw),
          };
      }
    });
  } finally {
    await smtp.stop();
    await notify.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
