import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server received, decoded enough to assert on. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly raw: string;
}

/** Where a mail's code is: after its label, with the spaces and hyphens added for reading. */
const CODE_IN_TEXT = /(?:Smartcard Unlock Code|Confirmation code): ([A-Z0-9][A-Z0-9 -]*)/;

/** Whether a mail carries an unlock or confirmation code (notices do not). */
export function carriesCode(mail: ReceivedMail): boolean {
  return CODE_IN_TEXT.test(mail.text);
}

/** The code in an unlock or registration mail, without the spaces added for reading. */
export function codeInMail(mail: ReceivedMail): string {
  const match = CODE_IN_TEXT.exec(mail.text);
  if (match?.[1] === undefined) throw new Error(`the mail carries no code:\n${mail.text}`);
  return match[1].replace(/[\s-]/g, '');
}

/** A real SMTP server on 127.0.0.1 for tests, that can be taken down and brought back. */
export interface TestSmtpServer {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Resolves with the next message (or one already received beyond `afterCount`). */
  nextMail(afterCount?: number): Promise<ReceivedMail>;
  /** The next message with a code, passing over notices, which are sent without being awaited. */
  nextCodeMail(afterCount?: number): Promise<ReceivedMail>;
  /** Stops listening: connections are refused, as when the mail server is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Hangs like a relay that accepts connections and never greets, until `up`. */
  hang(): Promise<void>;
  /** Connections the hung relay accepted since `hang`. */
  hungConnections(): number;
  /**
   * Receives each message but holds its reply, as a slow relay does, until the returned function
   * is called; messages that end meanwhile count as received.
   */
  holdReplies(): () => void;
  /** Holds its answer to MAIL FROM, as a relay that stalls before taking any message, until called. */
  holdEnvelopes(): () => void;
  stop(): Promise<void>;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = Buffer.from(
    body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
  return bytes.toString('utf8');
}

function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** Splits a MIME message into its text and HTML parts (enough for nodemailer's output). */
export function decodeMail(raw: string): Omit<ReceivedMail, 'raw' | 'from' | 'to'> {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? '\r\n\r\n' : '\n\n';
  const headerEnd = raw.indexOf(split);
  const headers = raw.slice(0, headerEnd).replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  let text = '';
  let html = '';
  const parts =
    boundary === undefined
      ? [raw]
      : raw
          .split(`--${boundary}`)
          .slice(1, -1)
          .map((p) => p.replace(/^\r?\n/, ''));
  for (const part of parts) {
    const end = part.indexOf(split);
    const partHeaders = part.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
    const body = decodePart(partHeaders, part.slice(end + split.length)).replace(/\r\n/g, '\n');
    if (/content-type:\s*text\/html/i.test(partHeaders)) html = body;
    else if (/content-type:\s*text\/plain/i.test(partHeaders)) text = body;
  }
  return { subject, text: text.trim(), html: html.trim() };
}

/** A promise that settles when `release` is called: what a held step waits on. */
function closedGate(): { gate: Promise<void>; release: () => void } {
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release };
}

/** Starts a real SMTP server (no TLS, no auth unless `auth` is given) on a free port. */
export async function startSmtpServer(auth?: {
  readonly user: string;
  readonly pass: string;
}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters: { afterCount: number; resolve: (m: ReceivedMail) => void }[] = [];
  let replyGate: Promise<void> = Promise.resolve();
  let envelopeGate: Promise<void> = Promise.resolve();
  let hung: { server: Server; sockets: Socket[] } | undefined;
  const make = () =>
    new SMTPServer({
      secure: false,
      disabledCommands: auth === undefined ? ['AUTH', 'STARTTLS'] : ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: auth === undefined,
      logger: false,
      // A reverse DNS lookup of 127.0.0.1 costs a slow timeout on a closed network.
      disableReverseLookup: true,
      onAuth(a, _session, callback) {
        if (auth !== undefined && a.username === auth.user && a.password === auth.pass) {
          callback(null, { user: a.username });
        } else callback(new Error('Invalid username or password'));
      },
      onMailFrom(_address, _session, callback) {
        void envelopeGate.then(() => callback());
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mail: ReceivedMail = {
            ...decodeMail(raw),
            raw,
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
          };
          received.push(mail);
          for (const w of waiters.splice(0)) {
            if (received.length > w.afterCount) w.resolve(received[w.afterCount]!);
            else waiters.push(w);
          }
          void replyGate.then(() => callback());
        });
      },
    });
  // A client that drops its connection (a server process stopped mid-session) is no failure here.
  const made = () => make().on('error', () => undefined);
  let server = made();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const port = await listen(0);
  let running = true;
  const down = async () => {
    if (!running) return;
    running = false;
    await close();
  };
  const endHang = async () => {
    if (hung === undefined) return;
    const { server: silent, sockets } = hung;
    hung = undefined;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  };
  const up = async () => {
    await endHang();
    if (running) return;
    server = made();
    await listen(port);
    running = true;
  };
  const nextMail = (afterCount = received.length): Promise<ReceivedMail> => {
    if (received.length > afterCount) return Promise.resolve(received[afterCount]!);
    return new Promise((resolve) => waiters.push({ afterCount, resolve }));
  };
  return {
    port,
    received,
    nextMail,
    async nextCodeMail(afterCount = received.length) {
      for (let at = afterCount; ; at += 1) {
        const mail = await nextMail(at);
        if (carriesCode(mail)) return mail;
      }
    },
    down,
    up,
    async hang() {
      await down();
      const sockets: Socket[] = [];
      const silent = createServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve, reject) => {
        silent.once('error', reject);
        silent.listen(port, '127.0.0.1', () => resolve());
      });
      hung = { server: silent, sockets };
    },
    hungConnections: () => hung?.sockets.length ?? 0,
    holdReplies() {
      const { gate, release } = closedGate();
      replyGate = gate;
      return () => {
        replyGate = Promise.resolve();
        release();
      };
    },
    holdEnvelopes() {
      const { gate, release } = closedGate();
      envelopeGate = gate;
      return () => {
        envelopeGate = Promise.resolve();
        release();
      };
    },
    async stop() {
      await endHang();
      await down();
    },
  };
}
