import { DatabaseOpenError, configuredDatabaseFault } from '../storage/database-open-fault';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CARD_ERROR_TO_APP_ERROR } from '../../src/main/card/types';
import { appError } from '../../src/shared/errors';
import { pukSchema } from '../../src/shared/http-api';
import { loadConfig, type ServerSettings } from '../config';
import { adminActorSchema, adminSource } from '../domain/admin-actor';
import type { AuditEntry, CardState, LockoutCleared } from '../domain/ports';
import { appendAudit } from '../storage/audit-repository';
import { countPurgeable, purgeExpired, type PurgeCounts } from '../storage/retention';
import {
  EXIT,
  alignedColumns,
  cardIdArg,
  withCore,
  type AdminCore,
  type AdminIo,
  type Command,
  type Options,
  type Values,
} from './admin-command';
import { readCardIdentity } from './enrol';
import { HOLDER_COMMANDS, REASON_HELP, REASON_OPTION, frozenWhy } from './holder-commands';
import { REPORT_COMMAND } from './report-command';
import { APPROVE_COMMAND } from './approve-command';
import { holderEmailSchema, holderMobileSchema, holderNameSchema } from '../domain/holder-fields';
import { withoutHiddenCharacters } from '../../src/shared/hidden-characters';
import { certificateOrKeyDer, parseImportFile, type ImportIssue } from './import-file';
import {
  escapeTerminalOutput,
  escapeTerminalText as shown,
  jsonForTerminal,
} from './terminal-text';

/** What a key rotation did, what is left under other keys, and the next step. */
function rotationReport(
  keyId: string,
  rotated: number,
  remaining: Readonly<Record<string, number>>,
): string {
  const plural = (n: number) => `${n} PUK${n === 1 ? '' : 's'}`;
  const id = shown(keyId);
  const done = `Re-encrypted ${plural(rotated)} under key "${id}".`;
  const left = Object.entries(remaining).filter(([, n]) => n > 0);
  if (left.length === 0) {
    return `${done} No PUK is under another key: once SCU_ACTIVE_KEY_ID=${id} (or keys.activeKeyId) is set on every server, the old keys can be removed from the settings.`;
  }
  const total = left.reduce((sum, [, n]) => sum + n, 0);
  const byKey = left.map(([other, n]) => `"${shown(other)}": ${n}`).join(', ');
  return `${done} ${plural(total)} ${total === 1 ? 'is' : 'are'} still under other keys (${byKey}): a server whose active key is not "${id}" sealed ${total === 1 ? 'it' : 'them'} meanwhile. Set SCU_ACTIVE_KEY_ID=${id} (or keys.activeKeyId) on every server, restart them, and run rotate-key ${id} again. Do not remove a key while a PUK is under it.`;
}

const GLOBAL_OPTIONS: Options = {
  config: { type: 'string' },
  dev: { type: 'boolean' },
  actor: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_HELP = `Options for every command:
  --config FILE   settings file (also SCU_CONFIG); environment variables override it
  --dev           development settings (the data folder's generated development keys)
  --actor NAME    who is acting, for the audit trail (default: SUDO_USER, the login name
                  that ran sudo, else the login name); at most 100 characters on one line
  --help          help for the command`;

/** Issues as the operator reads them, one a line, in file order. */
function formatIssues(file: string, issues: readonly ImportIssue[]): string {
  const rows = [...issues]
    .sort((a, b) => a.line - b.line)
    .map(
      (i) =>
        `  line ${i.line}: ${i.field === undefined ? '' : `${shown(i.field)}: `}${shown(i.message)}`,
    );
  return [
    `${shown(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was imported.`,
    ...rows,
  ].join('\n');
}

/** A card's state, one fact a line. */
function formatCardState(s: CardState): string {
  const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
  return [
    `Card                  ${shown(s.cardId)}`,
    `Holder                ${shown(s.holderName)}`,
    `Email                 ${shown(s.maskedEmail ?? 'none')}`,
    `Mobile                ${shown(s.maskedMobile ?? 'none')}`,
    `Site                  ${shown(s.site ?? 'none')}`,
    `Registered            ${yesNo(s.registered)}${s.registered ? ` (email ${s.emailConfirmed ? 'confirmed' : 'not confirmed'})` : ''}`,
    `Self-service locked   ${yesNo(s.selfServiceLocked)} (wrong answer submissions: ${s.wrongAnswerSubmissions})`,
    `Self-service frozen   ${s.selfServiceFrozen === null ? 'no' : `yes, since ${shown(s.selfServiceFrozen.at)} (${shown(frozenWhy(s.selfServiceFrozen.reason))}; clear-lockout lifts it)`}`,
    `PUK releases today    ${s.pukReleasesToday}`,
    `PUK rotation pending  ${yesNo(s.pendingPukRotation)}`,
    `Last unlock           ${shown(s.lastUnlockAt ?? 'never')}`,
    ...(['9A', '9E'] as const).map(
      (slot) => `Certificate ${slot}        ${certificateLine(s.certificates[slot])}`,
    ),
  ].join('\n');
}

/** When a certificate expires, and whether it has (the holder must then go to the RA). */
function certificateLine(c: CardState['certificates']['9A']): string {
  if (c.notAfter === null) return 'no expiry (a public key, not a certificate)';
  return c.expired
    ? `EXPIRED ${shown(c.notAfter)}: self-service refuses the card; the holder goes to the RA`
    : `expires ${shown(c.notAfter)}`;
}

/** What clear-lockout did: lifted a lockout and a freeze, or found none (and reset a count). */
function lockoutReport(cardId: string, r: LockoutCleared): string {
  const unfrozen =
    r.frozen === null
      ? ''
      : ` Self-service had been frozen since ${shown(r.frozen.at)} (${shown(frozenWhy(r.frozen.reason))}): it is unfrozen.`;
  if (r.wasLocked) return `The self-service lockout of card ${cardId} was cleared.${unfrozen}`;
  const n = r.wrongAnswerSubmissions;
  if (r.frozen !== null) {
    return `Card ${cardId} was not locked out of self-service.${unfrozen}${n === 0 ? '' : ` Its ${n} wrong answer submission${n === 1 ? ' was' : 's were'} set back to zero.`}`;
  }
  return n === 0
    ? `Card ${cardId} was not locked out of self-service; nothing to clear.`
    : `Card ${cardId} was not locked out of self-service; its ${n} wrong answer submission${n === 1 ? ' was' : 's were'} set back to zero.`;
}

/** What a purge removed (or would remove), one table a line. */
function formatPurge(counts: PurgeCounts, dryRun: boolean): string {
  const verb = dryRun ? 'Would delete' : 'Deleted';
  return [
    `${verb} ${counts.attempts} finished attempt${counts.attempts === 1 ? '' : 's'} (with their nonces and code hashes)`,
    `${verb} ${counts.rateLimitWindows} ended rate-limit window${counts.rateLimitWindows === 1 ? '' : 's'}`,
    `${verb} ${counts.pukReleaseDays} past day${counts.pukReleaseDays === 1 ? '' : 's'} of PUK release counts`,
    `${verb} ${counts.consoleSessions} ended console session${counts.consoleSessions === 1 ? '' : 's'} and sign-in${counts.consoleSessions === 1 ? '' : 's'}`,
    counts.auditRows === null
      ? 'The audit trail is kept: retention.auditDays is not set.'
      : `${verb} ${counts.auditRows} audit row${counts.auditRows === 1 ? '' : 's'} older than retention.auditDays`,
    ...(dryRun ? ['(dry run: nothing was deleted.)'] : []),
  ].join('\n');
}

/** The audit trail as aligned columns, in the order given (the newest first). */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'No audit entries.';
  const header = ['TIME', 'ACTION', 'OUTCOME', 'CARD', 'ATTEMPT', 'SOURCE', 'REQUEST', 'DETAIL'];
  const rows = entries.map((e) =>
    [
      e.at,
      e.action,
      e.outcome,
      e.cardId ?? '-',
      e.attemptId ?? '-',
      e.sourceAddress,
      e.requestId ?? '-',
      e.detail ?? '',
    ].map(shown),
  );
  return alignedColumns(header, rows).join('\n');
}

/** `--reason` where it was given. */
const reasonOf = (values: Values): string | undefined =>
  typeof values.reason === 'string' ? values.reason : undefined;

const IT_COMMANDS: readonly Command[] = [
  {
    name: 'import',
    usage: 'import FILE [--format csv|json] [--dry-run]',
    summary: 'Import cards and holders from the issuing system’s export.',
    details: `FILE is CSV with a header row, or a JSON array of objects, with the fields
  cardId, holderName, email, pivAuthentication, cardAuthentication, puk
(certificates or public keys as PEM or base64 DER; ECC P-256), and optionally
  mobile (a UK mobile number, stored as +447700900123; empty for none) and
  site (the holder's site or organisation, for the reports; empty for none).
email may be empty when mobile is given (the code-only model sends codes by text).
A card already known is updated; without a mobile or site field it keeps what it has.
Every bad row is reported with its line number, and then nothing is imported.
  --format csv|json  the file's format (default: from its extension)
  --dry-run          check the file only; the database is not opened`,
    options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    positionals: ['FILE'],
    async run(args) {
      const file = resolve(args.io.cwd, args.positionals[0]!);
      const format = z
        .enum(['csv', 'json'])
        .safeParse(args.values.format ?? extname(file).slice(1).toLowerCase());
      if (!format.success) {
        args.io.err(
          'Say the format with --format csv or --format json (the file name does not end in .csv or .json).',
        );
        return EXIT.usage;
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        args.io.err(
          `${shown(file)} cannot be read (${shown((error as NodeJS.ErrnoException).code ?? String(error))}).`,
        );
        return EXIT.badInput;
      }
      const parsed = parseImportFile(text, format.data);
      if (!parsed.ok) {
        args.io.err(formatIssues(file, parsed.error));
        return EXIT.badInput;
      }
      if (args.values['dry-run'] === true) {
        args.io.out(
          `${shown(file)}: ${parsed.value.length} cards are valid (dry run: nothing imported).`,
        );
        return EXIT.ok;
      }
      return withCore(
        args,
        (core) => core.admin.importCards(parsed.value, args.actor),
        (r) =>
          args.io.out(
            `Imported ${r.imported} new card${r.imported === 1 ? '' : 's'} and updated ${r.updated}.`,
          ),
      );
    },
  },
  {
    name: 'enrol',
    usage: 'enrol --name NAME [--email EMAIL] [--mobile NUMBER] [--reader READER]',
    summary: 'Enrol the card in a local reader (reads its GUID and 9A/9E certificates).',
    details: `Reads the card identifier and the certificates of slots 9A and 9E from the card (no
passcode needed) and imports the card with the holder's name, email and mobile (one of the two
at least). The card's current PUK
is read from standard input (pipe it in, so it is not in the shell history).
  --name NAME      the holder's name as shown to them, e.g. "Mr John Rigby"
  --email EMAIL    the holder's registered email address
  --mobile NUMBER  the holder's UK mobile number, for codes by text (07700 900123 or +44…)
  --reader READER  the reader to use (default: the only reader holding a card)`,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      mobile: { type: 'string' },
      reader: { type: 'string' },
    },
    positionals: [],
    async run(args) {
      const { name, email, mobile, reader } = args.values;
      if (typeof name !== 'string' || (typeof email !== 'string' && typeof mobile !== 'string')) {
        args.io.err('enrol needs --name, and --email or --mobile (or both).');
        return EXIT.usage;
      }
      // The import's rules for names and addresses, checked before the card is read.
      const holderName = holderNameSchema.safeParse(name);
      const address = typeof email === 'string' ? holderEmailSchema.safeParse(email) : undefined;
      const number = typeof mobile === 'string' ? holderMobileSchema.safeParse(mobile) : undefined;
      if (!holderName.success || address?.success === false) {
        const [option, issues] = !holderName.success
          ? ['--name', holderName.error.issues]
          : ['--email', address?.error?.issues ?? []];
        args.io.err(`${option}: ${shown(issues[0]?.message ?? 'not valid.')}`);
        return EXIT.usage;
      }
      if (number?.success === false) {
        args.io.err(`--mobile: ${shown(number.error.issues[0]?.message ?? 'not valid.')}`);
        return EXIT.usage;
      }
      const opened = await args.io.openLocalCard(typeof reader === 'string' ? reader : undefined);
      if (!opened.ok) {
        const e = appError(CARD_ERROR_TO_APP_ERROR[opened.error.code]);
        args.io.err(`${e.code}: ${shown(opened.error.detail ?? e.message)} ${e.nextStep}`);
        return EXIT.card;
      }
      let identity;
      try {
        identity = await readCardIdentity(opened.value.card);
      } finally {
        await opened.value.close();
      }
      if (!identity.ok) {
        const e = appError(CARD_ERROR_TO_APP_ERROR[identity.error.code]);
        args.io.err(
          `${e.code}: ${e.message}${identity.error.detail ? ` (${shown(identity.error.detail)})` : ''}`,
        );
        return EXIT.card;
      }
      for (const [slot, der] of [
        ['9A', identity.value.pivAuthentication],
        ['9E', identity.value.cardAuthentication],
      ] as const) {
        if (certificateOrKeyDer(Buffer.from(der).toString('base64')) === undefined) {
          args.io.err(
            `The certificate in slot ${slot} is not an ECC P-256 certificate: this card cannot be enrolled.`,
          );
          return EXIT.card;
        }
      }
      const puk = pukSchema.safeParse((await args.io.readLine('PUK of the card: ')).trim());
      if (!puk.success) {
        args.io.err(`PUK: ${puk.error.issues[0]?.message ?? 'not valid'}`);
        return EXIT.usage;
      }
      const card = {
        ...identity.value,
        holderName: holderName.data,
        email: address?.data ?? null,
        ...(number === undefined ? {} : { mobile: number.data }),
        puk: puk.data,
      };
      return withCore(
        args,
        (core) => core.admin.importCards([card], args.actor),
        (r) =>
          args.io.out(
            `${r.imported === 1 ? 'Enrolled' : 'Updated'} card ${shown(card.cardId)} for ${shown(card.holderName)} from ${shown(opened.value.reader)}.`,
          ),
      );
    },
  },
  {
    name: 'show',
    usage: 'show CARD_ID [--json]',
    summary: 'Show a card, its holder and its state (registration, lockout, certificates...).',
    details: `CARD_ID is the card's GUID, 32 hexadecimal digits.
  --json  print JSON instead of text`,
    options: { json: { type: 'boolean' } },
    positionals: ['CARD_ID'],
    async run(args) {
      const cardId = cardIdArg(args.positionals[0], args.io);
      if (cardId === undefined) return EXIT.usage;
      return withCore(
        args,
        (core) => core.admin.showCard(cardId),
        (state) =>
          args.io.out(args.values.json === true ? jsonForTerminal(state) : formatCardState(state)),
        { cardId },
      );
    },
  },
  {
    name: 'reset-registration',
    usage: 'reset-registration CARD_ID [--reason TEXT]',
    summary:
      'Delete a card’s registration (answers and confirmed address); the holder registers again.',
    details: `CARD_ID is the card's GUID, 32 hexadecimal digits. The audit trail records who did it.
${REASON_HELP}`,
    options: REASON_OPTION,
    positionals: ['CARD_ID'],
    async run(args) {
      const cardId = cardIdArg(args.positionals[0], args.io);
      if (cardId === undefined) return EXIT.usage;
      return withCore(
        args,
        (core) => core.admin.resetRegistration(cardId, args.actor, reasonOf(args.values)),
        () => args.io.out(`The registration of card ${cardId} was reset.`),
        { cardId },
      );
    },
  },
  {
    name: 'clear-lockout',
    usage: 'clear-lockout CARD_ID [--reason TEXT]',
    summary:
      'Clear a self-service lockout or freeze after the service desk has checked the holder.',
    details: `CARD_ID is the card's GUID, 32 hexadecimal digits. The wrong-answer count starts again at
zero, and a freeze ("This wasn't me": the holder reported an unlock that was not them) is lifted.
On a card that is neither it says so (exit 0); the audit trail records wasLocked=false, and
wasFrozen=not-me when it lifted a freeze.
${REASON_HELP}`,
    options: REASON_OPTION,
    positionals: ['CARD_ID'],
    async run(args) {
      const cardId = cardIdArg(args.positionals[0], args.io);
      if (cardId === undefined) return EXIT.usage;
      return withCore(
        args,
        (core) => core.admin.clearLockout(cardId, args.actor, reasonOf(args.values)),
        (r) => args.io.out(lockoutReport(cardId, r)),
        { cardId },
      );
    },
  },
  {
    name: 'audit',
    usage: 'audit [--card CARD_ID] [--limit N] [--json]',
    summary: 'Print the audit trail, newest first (all cards, or one).',
    details: `Newest first. Admin actions show SOURCE admin:ACTOR (see --actor); an import writes one row
per card (DETAIL card=new or card=updated).
  --card CARD_ID  only this card's entries
  --limit N       at most N entries (default 100, at most 10000)
  --json          print JSON instead of columns`,
    options: { card: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [],
    async run(args) {
      const { card, limit, json } = args.values;
      const cardId = card === undefined ? undefined : cardIdArg(String(card), args.io);
      if (card !== undefined && cardId === undefined) return EXIT.usage;
      const parsedLimit = z.coerce.number().int().min(1).max(10_000).default(100).safeParse(limit);
      if (!parsedLimit.success) {
        args.io.err('--limit: a whole number from 1 to 10000.');
        return EXIT.usage;
      }
      return withCore(
        args,
        (core) =>
          core.admin.auditTrail({
            ...(cardId === undefined ? {} : { cardId }),
            limit: parsedLimit.data,
          }),
        (entries) => args.io.out(json === true ? jsonForTerminal(entries) : formatAudit(entries)),
      );
    },
  },
  {
    name: 'rotate-key',
    usage: 'rotate-key NEW_KEY_ID',
    summary: 'Re-encrypt every stored PUK under another key-encryption key.',
    details: `NEW_KEY_ID must already be one of the configured keys (SCU_KEY_ENCRYPTION_KEYS or
keys.keyEncryptionKeys). The safe order: add the new key next to the old one on every server and
restart them; make it the active key (SCU_ACTIVE_KEY_ID or keys.activeKeyId) on every server and
restart them; run this command. It prints how many PUKs are still under other keys; only when none
are may the old key be removed.
A server refuses to start while a stored PUK needs a key it does not have.`,
    options: {},
    positionals: ['NEW_KEY_ID'],
    async run(args) {
      const keyId = args.positionals[0]!;
      return withCore(
        args,
        (c) => c.admin.rotateKeyEncryptionKey(keyId, args.actor),
        (r) => args.io.out(rotationReport(keyId, r.rotated, r.remaining)),
        {
          precheck: (settings) =>
            Object.hasOwn(settings.core.keys.keyEncryptionKeys, keyId)
              ? undefined
              : `Key "${shown(keyId)}" is not among the configured key-encryption keys (${shown(Object.keys(settings.core.keys.keyEncryptionKeys).join(', '))}). Add it to SCU_KEY_ENCRYPTION_KEYS (or keys.keyEncryptionKeys) first.`,
        },
      );
    },
  },
  {
    name: 'purge',
    usage: 'purge [--dry-run]',
    summary: 'Delete finished attempts and other rows past their retention (counts printed).',
    details: `Deletes attempts that ended or expired more than retention.endedAttemptDays ago (default
30), with their nonces and code hashes; rate-limit windows that have ended; and PUK release
counts of days before the same cut-off; and, only when retention.auditDays is set (at least 30;
unset keeps the trail for good), audit rows older than that, each batch leaving an audit row that
says how many went. Every server does this by itself at start and every
retention.purgeIntervalMinutes (default 60): run it by hand to see what is waiting, or after
lowering the retention. The database refuses any other change to the audit trail.
  --dry-run  count only; nothing is deleted`,
    options: { 'dry-run': { type: 'boolean' } },
    positionals: [],
    async run(args) {
      const dryRun = args.values['dry-run'] === true;
      return withCore(
        args,
        async (core, settings) => {
          const now = new Date();
          if (dryRun) {
            return {
              ok: true,
              value: await countPurgeable(core.database.db, now, settings.retention),
            };
          }
          const source = adminSource(args.actor);
          if (!source.ok) return source;
          const counts = await purgeExpired(core.database.db, now, settings.retention);
          await appendAudit(core.database.db, {
            at: now.toISOString(),
            cardId: null,
            attemptId: null,
            action: 'admin.purge',
            outcome: 'ok',
            ...source.value,
            detail: `attempts=${counts.attempts};rateLimitWindows=${counts.rateLimitWindows};pukReleaseDays=${counts.pukReleaseDays};consoleSessions=${counts.consoleSessions};auditRows=${counts.auditRows ?? 'kept'}`,
          });
          return { ok: true, value: counts };
        },
        (counts) => args.io.out(formatPurge(counts, dryRun)),
      );
    },
  },
];

/** Every command, the desk's (the console's functions) after IT's own. */
const COMMANDS: readonly Command[] = [
  ...IT_COMMANDS,
  ...HOLDER_COMMANDS,
  REPORT_COMMAND,
  APPROVE_COMMAND,
];

/** The overview printed by `--help` and for an unknown command. */
function overview(): string {
  return [
    'Usage: npm run admin -- <command> [options]',
    '',
    'It needs the server’s settings and secrets: on a server, run it under sudo (the audit trail',
    'then names SUDO_USER; see --actor and docs/operations.md).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(20)}${c.summary}`),
    '',
    GLOBAL_HELP,
    '',
    'Run `npm run admin -- <command> --help` for a command’s options.',
    '',
    'Exit status: 0 done; 1 refused by the server (e.g. unknown card); 2 wrong command line;',
    '3 bad import file (nothing imported); 4 card or reader problem; 70 unexpected failure;',
    '78 settings not valid.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`Usage: npm run admin -- ${c.usage}`, '', c.summary, '', c.details, '', GLOBAL_HELP].join(
    '\n',
  );
}

/** Runs one admin command; resolves with the exit status. */
export async function runAdmin(caller: AdminIo): Promise<number> {
  // The last guard: whatever a message forgot to escape reaches the terminal escaped.
  const io: AdminIo = {
    ...caller,
    out: (text) => caller.out(escapeTerminalOutput(text)),
    err: (text) => caller.err(escapeTerminalOutput(text)),
  };
  const name = io.argv.find((a) => !a.startsWith('-'));
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const wantsHelp = io.argv.includes('--help') || io.argv.includes('-h') || io.argv.length === 0;
    if (wantsHelp) {
      io.out(overview());
      return EXIT.ok;
    }
    io.err(`Unknown command "${shown(name ?? io.argv.join(' '))}".\n\n${overview()}`);
    return EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...io.argv],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    io.err(`${shown((error as Error).message)}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  const values = parsed.values as Values;
  if (values.help === true) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  const positionals = parsed.positionals.slice(1);
  const expected = command.positionals.length;
  if (positionals.length !== expected) {
    io.err(
      `${command.name} takes ${expected === 0 ? 'no arguments' : `${expected} argument`}.\n\n${commandHelp(command)}`,
    );
    return EXIT.usage;
  }
  const problem = hiddenCharacterProblem(values, command.positionals, positionals);
  if (problem !== undefined) {
    io.err(problem);
    return EXIT.usage;
  }
  const actor = resolveActor(values.actor, io.env);
  if (!actor.ok) {
    io.err(actor.error);
    return EXIT.usage;
  }
  const core = async (): Promise<{ core: AdminCore; settings: ServerSettings } | number> => {
    const settings = loadConfig({
      env: io.env,
      cwd: io.cwd,
      ...(typeof values.config === 'string' ? { configFile: values.config } : {}),
      development: values.dev === true,
      purpose: 'admin',
    });
    if (!settings.ok) {
      io.err(escapeTerminalOutput(settings.error.message));
      return EXIT.settings;
    }
    try {
      return { core: await io.openCore(settings.value), settings: settings.value };
    } catch (error) {
      if (!(error instanceof DatabaseOpenError)) throw error;
      // Worded as the server words it at start: the setting, its source, never the password.
      const fault = configuredDatabaseFault(error, settings.value);
      io.err(shown(fault.message));
      return fault.kind === 'settings' ? EXIT.settings : EXIT.internal;
    }
  };
  return command.run({ values, positionals, io, actor: actor.value, core });
}

/**
 * The one check of every argument the CLI may store or print back (card IDs, names, addresses,
 * the actor, file paths): a control, line-break or bidi character is refused, named by its option.
 */
function hiddenCharacterProblem(
  values: Values,
  names: readonly string[],
  positionals: readonly string[],
): string | undefined {
  const given: [string, unknown][] = [
    ...Object.entries(values).map(([option, v]): [string, unknown] => [`--${option}`, v]),
    ...positionals.map((v, i): [string, unknown] => [names[i] ?? `argument ${i + 1}`, v]),
  ];
  for (const [name, value] of given) {
    if (typeof value !== 'string') continue;
    const checked = withoutHiddenCharacters.safeParse(value);
    if (!checked.success) return `${name}: ${shown(checked.error.issues[0]?.message ?? '')}`;
  }
  return undefined;
}

/**
 * Who is acting, for the audit trail: `--actor`, else the user who ran sudo (SUDO_USER: the docs
 * run the tool under `sudo -s`, where the login name is root), else the login name.
 */
function resolveActor(
  option: string | boolean | undefined,
  env: AdminIo['env'],
): { ok: true; value: string } | { ok: false; error: string } {
  const sudoUser = env.SUDO_USER;
  const [source, text] =
    typeof option === 'string'
      ? ['--actor', option]
      : sudoUser !== undefined && sudoUser !== ''
        ? ['SUDO_USER (the default for --actor)', sudoUser]
        : ['the login name (the default for --actor)', loginName()];
  const parsed = adminActorSchema.safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data };
  const why = shown(parsed.error.issues[0]?.message ?? 'is not valid.');
  return {
    ok: false,
    error: `${source}: ${why}${source === '--actor' ? '' : ' Name yourself with --actor NAME.'}`,
  };
}

/** The login name of the process; its user id where it has no name (a container's random uid). */
function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.getuid === undefined ? 'unknown' : `uid ${process.getuid()}`;
  }
}
