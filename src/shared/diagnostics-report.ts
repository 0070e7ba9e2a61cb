import { z } from 'zod';

/**
 * The service desk's diagnostics report: what a caller reads out or pastes into a ticket. The
 * same value comes from `--diagnostics` (the command line) and from the app's diagnostics screen
 * (the `app:get-diagnostics` channel), so both are declared here, beside the IPC contract, with the
 * plain-text form both print. It holds facts only: no passcode, PUK, answer, code or key.
 * Strict objects, so nothing outside the schema (a secret added by mistake) can pass through.
 */

/** Generous caps: a report is small, but no field of it may be unbounded across IPC. */
const text = z.string().max(4000);

const certificateSchema = z
  .object({
    subject: text,
    issuer: text,
    validFrom: text,
    validTo: text,
    fingerprint256: text,
    /** Whether this workstation trusts it (chain and host name). */
    trusted: z.boolean(),
    /** Why it is not trusted, as TLS said it. */
    problem: text.optional(),
  })
  .strict();

/** What was found in one reader. */
export const diagnosticsCardSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('piv'),
      /** The CHUID GUID: the identifier the server knows the card by. */
      cardId: text.nullable(),
      passcodeTriesLeft: z.number().int().nullable(),
      locked: z.boolean().nullable(),
    })
    .strict(),
  z.object({ kind: z.literal('not-piv') }).strict(),
  z.object({ kind: z.literal('unreadable'), problem: text }).strict(),
  /** A step of an unlock or a registration was using the card: it was not read, not to disturb it. */
  z.object({ kind: z.literal('in-use') }).strict(),
]);

/** The card service's answer: running with readers, or down. */
export const diagnosticsCardServiceSchema = z.discriminatedUnion('state', [
  z
    .object({
      state: z.literal('running'),
      mock: z.boolean(),
      readers: z
        .array(
          z
            .object({
              name: text,
              hasCard: z.boolean(),
              atr: text.optional(),
              card: diagnosticsCardSchema.optional(),
            })
            .strict(),
        )
        .max(64),
    })
    .strict(),
  z.object({ state: z.literal('down'), mock: z.boolean(), problem: text }).strict(),
]);

/** The server check: reachable (with its readiness answer and certificate) or not. */
export const diagnosticsServerSchema = z
  .object({
    url: text,
    reachable: z.boolean(),
    /** The HTTP status of GET /v1/status; absent when the certificate is not trusted. */
    status: z.number().int().optional(),
    /** The server can serve holders: it answered that its database is ready. */
    healthy: z.boolean(),
    milliseconds: z.number().int().optional(),
    /** What the server said of its database (200 ok, 503 SERVICE_UNAVAILABLE), if it said. */
    database: z.enum(['ok', 'unavailable']).optional(),
    problem: text.optional(),
    certificate: certificateSchema.optional(),
  })
  .strict();

/** The report, as JSON (`--json`) and as the app's screen receives it. */
export const diagnosticsReportSchema = z
  .object({
    generatedAt: text,
    app: z
      .object({
        version: text,
        platform: text,
        arch: text,
        runtime: text,
      })
      .strict(),
    settings: z
      .object({
        problem: z.object({ setting: text, source: text, fix: text }).strict().optional(),
        values: z.array(z.object({ name: text, value: text, source: text }).strict()).max(64),
      })
      .strict(),
    cardService: diagnosticsCardServiceSchema,
    server: diagnosticsServerSchema.nullable(),
  })
  .strict();

/** The diagnostics report. */
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;
/** A probe's view of the card service. */
export type CardServiceReport = z.infer<typeof diagnosticsCardServiceSchema>;
/** A probe's view of the server. */
export type ServerReport = z.infer<typeof diagnosticsServerSchema>;
/** A probe's view of a card. */
export type CardReport = z.infer<typeof diagnosticsCardSchema>;

/** One card as a sentence, for the text report and the screen. */
export function describeCard(card: CardReport | undefined): string {
  if (card === undefined) return '';
  switch (card.kind) {
    case 'piv': {
      const lock =
        card.locked === null
          ? 'lock state unknown'
          : card.locked
            ? 'LOCKED'
            : `not locked, ${card.passcodeTriesLeft ?? '?'} passcode tries left`;
      return `PIV card ${card.cardId ?? '(identifier unreadable)'}, ${lock}`;
    }
    case 'not-piv':
      return 'a card without the PIV application (not a staff smartcard)';
    case 'unreadable':
      return `a card that cannot be read: ${card.problem}`;
    case 'in-use':
      return 'in use by the unlock or registration in progress (not read, so as not to disturb it)';
  }
}

/** The card service as a sentence (without its readers). */
export function describeCardService(service: CardServiceReport): string {
  const kind = service.mock ? 'mock reader (virtual card)' : 'PC/SC';
  return service.state === 'down'
    ? `Card service (${kind}): NOT RUNNING: ${service.problem}`
    : `Card service (${kind}): running, ${service.readers.length} reader(s)`;
}

/** The one verdict on the server: an untrusted certificate leaves its health unknown. */
export type ServerVerdict =
  'unreachable' | 'untrusted' | 'healthy' | 'database-unavailable' | 'not-healthy';

/** The verdict, and the words the text report and the screen both show beside it. */
export function serverVerdict(server: ServerReport): {
  readonly verdict: ServerVerdict;
  readonly detail: string;
} {
  if (!server.reachable) return { verdict: 'unreachable', detail: server.problem ?? 'no answer' };
  if (server.certificate?.trusted === false) {
    return {
      verdict: 'untrusted',
      detail:
        'its certificate is not trusted by this computer, so its answer was not believed and its health is unknown',
    };
  }
  if (server.healthy) {
    return { verdict: 'healthy', detail: `HTTP ${server.status}, ${server.milliseconds} ms` };
  }
  if (server.database === 'unavailable') {
    return {
      verdict: 'database-unavailable',
      detail: `HTTP ${server.status} SERVICE_UNAVAILABLE: the server runs but its database does not answer, so no card can be unlocked until it is back`,
    };
  }
  const status = server.status === undefined ? [] : [`HTTP ${server.status}`];
  return {
    verdict: 'not-healthy',
    detail:
      [...status, ...(server.problem === undefined ? [] : [server.problem])].join(': ') ||
      'no usable answer',
  };
}

const VERDICT_TEXT: Readonly<Record<ServerVerdict, string>> = {
  unreachable: 'NOT REACHABLE',
  untrusted: 'reachable, but NOT TRUSTED',
  healthy: 'reachable and healthy',
  'database-unavailable': 'reachable, but its DATABASE IS NOT AVAILABLE',
  'not-healthy': 'reachable but NOT HEALTHY',
};

/** The server check as a sentence (without its certificate). */
export function describeServer(server: ServerReport | null): string {
  if (server === null) return 'Server: not checked (the settings are not valid)';
  const { verdict, detail } = serverVerdict(server);
  const state =
    verdict === 'unreachable'
      ? `${VERDICT_TEXT[verdict]}: ${detail}`
      : `${VERDICT_TEXT[verdict]} (${detail})`;
  return `Server ${server.url}: ${state}`;
}

/** The report as plain text, for reading out over the phone or pasting into a ticket. */
export function formatDiagnosticsText(report: DiagnosticsReport): string {
  const lines = [
    'Smartcard Unlock diagnostics',
    `Generated: ${report.generatedAt}`,
    '',
    `App version: ${report.app.version} (${report.app.platform} ${report.app.arch}, ${report.app.runtime})`,
    '',
    'Settings:',
  ];
  if (report.settings.problem !== undefined) {
    const p = report.settings.problem;
    lines.push(`  PROBLEM with ${p.setting} in ${p.source}: ${p.fix}`);
  }
  for (const s of report.settings.values)
    lines.push(`  ${s.name} = ${s.value}  (from ${s.source})`);
  lines.push('');
  const service = report.cardService;
  lines.push(describeCardService(service));
  if (service.state === 'running') {
    for (const reader of service.readers) {
      const card = reader.hasCard ? `card present: ${describeCard(reader.card)}` : 'no card';
      lines.push(`  ${reader.name}: ${card}${reader.atr ? ` (ATR ${reader.atr})` : ''}`);
    }
  }
  lines.push('');
  const server = report.server;
  lines.push(describeServer(server));
  const c = server?.certificate;
  if (c !== undefined) {
    lines.push(`  Certificate: ${c.subject}, issued by ${c.issuer}`);
    lines.push(`  Valid ${c.validFrom} to ${c.validTo}`);
    lines.push(`  SHA-256 ${c.fingerprint256}`);
    lines.push(
      `  Trusted by this workstation: ${c.trusted ? 'yes' : `NO (${c.problem ?? 'unknown'})`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
