import type { ParseArgsConfig } from 'node:util';
import { cardIdSchema } from '../../src/shared/card-identity';
import { appError } from '../../src/shared/errors';
import type { ServerSettings } from '../config';
import type { AdminService, DomainError } from '../domain/ports';
import type { AssistedUnlockDesk } from '../domain/assisted-unlock-ports';
import type { HolderSupportService, ReportService } from '../domain/desk/desk-ports';
import type { OpenDatabase } from '../storage/database';
import type { OpenLocalCard } from './enrol';
import { escapeTerminalText as shown } from './terminal-text';

/** What every admin command is made of: its shape, its surroundings, and the helpers they share. */

/** Exit statuses of the admin CLI (documented in its --help and docs/decisions/0008). */
export const EXIT = {
  ok: 0,
  /** The server refused the operation (unknown card, nothing to reset...). */
  refused: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The import file has bad rows; nothing was imported. */
  badInput: 3,
  /** The card or the reader could not be read (enrol). */
  card: 4,
  /** An unexpected failure (the database cannot be opened...). */
  internal: 70,
  /** The settings are not valid. */
  settings: 78,
} as const;

/** What the CLI needs from the server's core. */
export interface AdminCore {
  readonly admin: AdminService;
  /** The service desk's holder support and the reports: the console calls the same. */
  readonly holders: HolderSupportService;
  readonly reports: ReportService;
  /** The desk's approval of an assisted unlock (`approve`): the console calls the same. */
  readonly assistedUnlock: AssistedUnlockDesk;
  /** The database itself, for housekeeping outside the domain (the retention purge). */
  readonly database: Pick<OpenDatabase, 'db'>;
  close(): Promise<void>;
}

/** The CLI's surroundings, injected so tests run it in-process. */
export interface AdminIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The first line of standard input (the PUK for enrol). */
  readonly readLine: (prompt: string) => Promise<string>;
  readonly openCore: (settings: ServerSettings) => Promise<AdminCore>;
  readonly openLocalCard: OpenLocalCard;
}

/** A command's options, as node:util's parseArgs takes them. */
export type Options = NonNullable<ParseArgsConfig['options']>;
/** The options as parsed. */
export type Values = Record<string, string | boolean | undefined>;

/** One admin command: its help, its options and arguments, and what it runs. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly details: string;
  readonly options: Options;
  /** The names of the positional arguments after the command name, as the usage gives them. */
  readonly positionals: readonly string[];
  run(args: CommandArgs): Promise<number>;
}

/** What a command runs with. */
export interface CommandArgs {
  readonly values: Values;
  readonly positionals: readonly string[];
  readonly io: AdminIo;
  readonly actor: string;
  /** Loads the settings and opens the core, or reports why not (with its exit status). */
  readonly core: () => Promise<
    { readonly core: AdminCore; readonly settings: ServerSettings } | number
  >;
}

/**
 * A domain refusal as the operator reads it. An unknown card is named, with where to check its ID:
 * the catalogue's wording is the holder's ("That was not found."), which tells IT nothing.
 */
function describeDomainError(error: DomainError, cardId: string | undefined): string {
  if (cardId !== undefined && (error.code === 'NOT_FOUND' || error.code === 'CARD_UNKNOWN')) {
    return `${error.code}: No card with ID ${shown(cardId)} is on this server. Check the ID against the caller's diagnostics report (the card ID, 32 hexadecimal digits); a card comes in with \`import\` or \`enrol\`.`;
  }
  const e = appError(error.code, error.details);
  const field = e.details?.field === undefined ? '' : ` (${e.details.field})`;
  return shown(`${e.code}: ${e.message}${field}`);
}

/**
 * Runs an operation on the core and closes it, mapping a domain refusal to exit 1. `cardId` is the
 * card the command acts on, named when the server does not know it.
 */
export async function withCore<T>(
  args: CommandArgs,
  operation: (
    core: AdminCore,
    settings: ServerSettings,
  ) => Promise<{ ok: true; value: T } | { ok: false; error: DomainError }>,
  report: (value: T) => void,
  options: {
    readonly cardId?: string;
    readonly precheck?: (settings: ServerSettings) => string | undefined;
  } = {},
): Promise<number> {
  const opened = await args.core();
  if (typeof opened === 'number') return opened;
  const { core, settings } = opened;
  try {
    const problem = options.precheck?.(settings);
    if (problem !== undefined) {
      args.io.err(problem);
      return EXIT.usage;
    }
    const result = await operation(core, settings);
    if (!result.ok) {
      args.io.err(describeDomainError(result.error, options.cardId));
      return EXIT.refused;
    }
    report(result.value);
    return EXIT.ok;
  } finally {
    await core.close();
  }
}

/** Rows as columns under a header, each as wide as its widest cell, two spaces apart. */
export function alignedColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** A card identifier from the command line, or a usage error. */
export function cardIdArg(text: string | undefined, io: AdminIo): string | undefined {
  const parsed = cardIdSchema.safeParse(text);
  if (!parsed.success) {
    io.err(`CARD_ID: ${shown(parsed.error.issues[0]?.message ?? 'not valid')}`);
    return undefined;
  }
  return parsed.data;
}
