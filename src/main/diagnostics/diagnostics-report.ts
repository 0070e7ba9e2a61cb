import { z } from 'zod';
import {
  describeSource,
  type ResolvedSettings,
  type SettingsProblem,
} from '../settings/load-settings';
import { SETTING_NAMES } from '../settings/settings-schema';

/**
 * The service desk's diagnostics report: what a caller reads out or pastes into a ticket. A pure
 * builder over injected probes, so the same report comes from `npm run diagnostics`, the app's
 * diagnostics screen and the tests. It holds facts only: no passcode, PUK, answer, code or key
 * ever reaches a probe's result, and the settings table has no secret in it.
 */

const certificateSchema = z
  .object({
    subject: z.string(),
    issuer: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    fingerprint256: z.string(),
    /** Whether this workstation trusts it (chain and host name). */
    trusted: z.boolean(),
    /** Why it is not trusted, as TLS said it. */
    problem: z.string().optional(),
  })
  .strict();

/** What was found in one reader. */
const cardSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('piv'),
      /** The CHUID GUID: the identifier the server knows the card by. */
      cardId: z.string().nullable(),
      passcodeTriesLeft: z.number().int().nullable(),
      locked: z.boolean().nullable(),
    })
    .strict(),
  z.object({ kind: z.literal('not-piv') }).strict(),
  z.object({ kind: z.literal('unreadable'), problem: z.string() }).strict(),
]);

/** The card service's answer: running with readers, down, or failing. */
const cardServiceSchema = z.discriminatedUnion('state', [
  z
    .object({
      state: z.literal('running'),
      mock: z.boolean(),
      readers: z.array(
        z
          .object({
            name: z.string(),
            hasCard: z.boolean(),
            atr: z.string().optional(),
            card: cardSchema.optional(),
          })
          .strict(),
      ),
    })
    .strict(),
  z.object({ state: z.literal('down'), mock: z.boolean(), problem: z.string() }).strict(),
]);

/** The server check: reachable (with its health answer and certificate) or not. */
const serverSchema = z
  .object({
    url: z.string(),
    reachable: z.boolean(),
    /** The HTTP status of GET /healthz. */
    status: z.number().int().optional(),
    healthy: z.boolean(),
    milliseconds: z.number().int().optional(),
    problem: z.string().optional(),
    certificate: certificateSchema.optional(),
  })
  .strict();

/** The report, as JSON (`--json`) and as the app's screen receives it. */
export const diagnosticsReportSchema = z
  .object({
    generatedAt: z.string(),
    app: z
      .object({
        version: z.string(),
        platform: z.string(),
        arch: z.string(),
        runtime: z.string(),
      })
      .strict(),
    settings: z
      .object({
        problem: z.object({ setting: z.string(), source: z.string(), fix: z.string() }).optional(),
        values: z.array(
          z.object({ name: z.string(), value: z.string(), source: z.string() }).strict(),
        ),
      })
      .strict(),
    cardService: cardServiceSchema,
    server: serverSchema.nullable(),
  })
  .strict();

/** The diagnostics report. */
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;
/** A probe's view of the card service. */
export type CardServiceReport = z.infer<typeof cardServiceSchema>;
/** A probe's view of the server. */
export type ServerReport = z.infer<typeof serverSchema>;
/** A probe's view of a card. */
export type CardReport = z.infer<typeof cardSchema>;

/** What the builder asks; each probe reports its failures as data and never throws on purpose. */
export interface DiagnosticsProbes {
  readonly app: DiagnosticsReport['app'];
  readonly settings: { ok: true; value: ResolvedSettings } | { ok: false; error: SettingsProblem };
  readonly cardService: (
    settings: ResolvedSettings['settings'] | null,
  ) => Promise<CardServiceReport>;
  readonly server: (settings: ResolvedSettings['settings']) => Promise<ServerReport>;
  readonly now: () => Date;
}

const show = (value: string | number | boolean | null): string =>
  value === null ? '(not set)' : String(value);

/** Runs the probes (the card and the server at once) and assembles the report. */
export async function buildDiagnosticsReport(
  probes: DiagnosticsProbes,
): Promise<DiagnosticsReport> {
  const loaded = probes.settings;
  const settings = loaded.ok ? loaded.value.settings : null;
  const failed = (what: string) => (error: unknown) => `${what} failed: ${String(error)}`;
  const [cardService, server] = await Promise.all([
    probes.cardService(settings).catch((error: unknown): CardServiceReport => ({
      state: 'down',
      mock: settings?.mockReader ?? false,
      problem: failed('the card service check')(error),
    })),
    settings === null
      ? Promise.resolve(null)
      : probes.server(settings).catch((error: unknown): ServerReport => ({
          url: settings.serverUrl,
          reachable: false,
          healthy: false,
          problem: failed('the server check')(error),
        })),
  ]);
  return diagnosticsReportSchema.parse({
    generatedAt: probes.now().toISOString(),
    app: probes.app,
    settings: loaded.ok
      ? {
          values: SETTING_NAMES.map((name) => ({
            name,
            value: show(loaded.value.settings[name]),
            source: describeSource(loaded.value.sources[name]),
          })),
        }
      : {
          problem: {
            setting: loaded.error.setting,
            source: describeSource(loaded.error.source),
            fix: loaded.error.fix,
          },
          values: [],
        },
    cardService,
    server,
  });
}

function cardLine(card: CardReport | undefined): string {
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
  }
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
  const kind = service.mock ? 'mock reader (virtual card)' : 'PC/SC';
  if (service.state === 'down') {
    lines.push(`Card service (${kind}): NOT RUNNING: ${service.problem}`);
  } else {
    lines.push(`Card service (${kind}): running, ${service.readers.length} reader(s)`);
    for (const reader of service.readers) {
      const card = reader.hasCard ? `card present: ${cardLine(reader.card)}` : 'no card';
      lines.push(`  ${reader.name}: ${card}${reader.atr ? ` (ATR ${reader.atr})` : ''}`);
    }
  }
  lines.push('');
  const server = report.server;
  if (server === null) lines.push('Server: not checked (the settings are not valid)');
  else {
    const state = !server.reachable
      ? `NOT REACHABLE: ${server.problem ?? 'no answer'}`
      : server.healthy
        ? `reachable and healthy (HTTP ${server.status}, ${server.milliseconds} ms)`
        : `reachable but NOT HEALTHY (HTTP ${server.status})`;
    lines.push(`Server ${server.url}: ${state}`);
    const c = server.certificate;
    if (c !== undefined) {
      lines.push(`  Certificate: ${c.subject}, issued by ${c.issuer}`);
      lines.push(`  Valid ${c.validFrom} to ${c.validTo}`);
      lines.push(`  SHA-256 ${c.fingerprint256}`);
      lines.push(
        `  Trusted by this workstation: ${c.trusted ? 'yes' : `NO (${c.problem ?? 'unknown'})`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
