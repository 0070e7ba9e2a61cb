import type { z } from 'zod';
import type {
  diagnosticsCardSchema,
  diagnosticsCardServiceSchema,
  diagnosticsReportSchema,
  diagnosticsServerSchema,
} from './diagnostics-report-schema';
import { wording } from './wording';

/**
 * The service desk's diagnostics report, from `--diagnostics` and the diagnostics screen alike:
 * its types and its words. Facts only; diagnostics-report-schema.ts checks them.
 */

/** The diagnostics report. */
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;
/** A probe's view of the card service. */
export type CardServiceReport = z.infer<typeof diagnosticsCardServiceSchema>;
/** A probe's view of the server. */
export type ServerReport = z.infer<typeof diagnosticsServerSchema>;
/** A probe's view of a card. */
export type CardReport = z.infer<typeof diagnosticsCardSchema>;

/** One card as a sentence, for the text report and the screen. */
function describeCard(card: CardReport | undefined): string {
  return card === undefined ? '' : wording().diagnostics.report.card(card);
}

/** What a reader holds, as the text report and the screen say it. */
export function describeReaderCard(reader: { hasCard: boolean; card?: CardReport }): string {
  return wording().diagnostics.report.readerCard(reader.hasCard ? describeCard(reader.card) : null);
}

/** The card service as a sentence (without its readers). */
function describeCardService(service: CardServiceReport): string {
  const words = wording().diagnostics.report;
  const kind = words.cardServiceKind(service.mock);
  return service.state === 'down'
    ? words.cardServiceDown(kind, service.problem)
    : words.cardServiceRunning(kind, service.readers.length);
}

/** The one verdict on the server: an untrusted certificate leaves its health unknown. */
export type ServerVerdict =
  'unreachable' | 'untrusted' | 'healthy' | 'database-unavailable' | 'not-healthy';

/** The verdict, and the words the text report and the screen both show beside it. */
export function serverVerdict(server: ServerReport): {
  readonly verdict: ServerVerdict;
  readonly detail: string;
} {
  const words = wording().diagnostics.report;
  if (!server.reachable) {
    return { verdict: 'unreachable', detail: server.problem ?? words.noAnswer };
  }
  if (server.certificate?.trusted === false) {
    return { verdict: 'untrusted', detail: words.untrusted };
  }
  if (server.healthy) {
    return { verdict: 'healthy', detail: words.healthy(server.status, server.milliseconds) };
  }
  if (server.database === 'unavailable') {
    return { verdict: 'database-unavailable', detail: words.databaseUnavailable(server.status) };
  }
  const status = server.status === undefined ? [] : [words.httpStatus(server.status)];
  return {
    verdict: 'not-healthy',
    detail:
      [...status, ...(server.problem === undefined ? [] : [server.problem])].join(': ') ||
      words.noUsableAnswer,
  };
}

/** The server check as a sentence (without its certificate). */
function describeServer(server: ServerReport | null): string {
  const words = wording().diagnostics.report;
  if (server === null) return words.serverNotChecked;
  const { verdict, detail } = serverVerdict(server);
  return words.server(server.url, verdict, detail);
}

/** The report as plain text, for reading out over the phone or pasting into a ticket. */
export function formatDiagnosticsText(report: DiagnosticsReport): string {
  const words = wording().diagnostics.report;
  const { app } = report;
  const lines = [
    words.title,
    words.generated(report.generatedAt),
    '',
    words.app(app.version, app.platform, app.arch, app.runtime),
    '',
    words.settings,
  ];
  const problem = report.settings.problem;
  if (problem !== undefined) {
    lines.push(`  ${words.settingProblem(problem.setting, problem.source, problem.fix)}`);
  }
  for (const s of report.settings.values) {
    lines.push(`  ${words.settingValue(s.name, s.value, s.source)}`);
  }
  lines.push('');
  const service = report.cardService;
  lines.push(describeCardService(service));
  if (service.state === 'running') {
    for (const reader of service.readers) {
      const atr = reader.atr ? words.atr(reader.atr) : '';
      lines.push(`  ${reader.name}: ${describeReaderCard(reader)}${atr}`);
    }
  }
  lines.push('');
  const server = report.server;
  lines.push(describeServer(server));
  const c = server?.certificate;
  if (c !== undefined) {
    lines.push(`  ${words.certificate(c.subject, c.issuer)}`);
    lines.push(`  ${words.validity(c.validFrom, c.validTo)}`);
    lines.push(`  ${words.fingerprint(c.fingerprint256)}`);
    lines.push(`  ${words.trusted(c.trusted, c.problem)}`);
  }
  return `${lines.join('\n')}\n`;
}
