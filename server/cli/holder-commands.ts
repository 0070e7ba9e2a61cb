import type { HolderMatch, HolderSupportService, OperatorCall } from '../domain/desk/desk-ports';
import type { DomainResult } from '../domain/ports';
import { holderSearchSchema } from '../domain/desk/holder-support';
import { holderEmailOrNoneSchema, holderMobileOrNoneSchema } from '../domain/holder-fields';
import {
  EXIT,
  alignedColumns,
  cardIdArg,
  withCore,
  type Command,
  type CommandArgs,
  type Options,
} from './admin-command';
import { escapeTerminalText as shown, jsonForTerminal } from './terminal-text';

/**
 * The admin CLI's commands for finding and supporting a holder: the same domain functions as the
 * service desk's console (server/domain/desk), each change audited with `--actor` and `--reason`.
 */

/** `--reason`, which every change here requires and clear-lockout and reset-registration take. */
export const REASON_OPTION: Options = { reason: { type: 'string' } };

/** The help line for `--reason`. */
export const REASON_HELP =
  '  --reason TEXT    why, for the audit trail (one line, at most 200 characters)';

/** Why a card is frozen, as the desk reads it. */
export function frozenWhy(reason: string): string {
  if (reason === 'not-me') {
    return 'the holder reported an unlock that was not them; see audit --card';
  }
  return reason === 'desk' ? 'frozen by the service desk; see audit --card' : `reason: ${reason}`;
}

/**
 * A change to one card that needs a reason: the card ID and `--reason` checked (a usage error
 * otherwise), then the domain's call with `--actor`, and what it did, in words.
 */
async function changeCard<T>(
  args: CommandArgs,
  act: (
    holders: HolderSupportService,
    cardId: string,
    call: OperatorCall,
  ) => Promise<DomainResult<T>>,
  said: (value: T, cardId: string) => string,
): Promise<number> {
  const cardId = cardIdArg(args.positionals[0], args.io);
  if (cardId === undefined) return EXIT.usage;
  const reason = args.values.reason;
  if (typeof reason !== 'string' || reason.trim() === '') {
    args.io.err('--reason: say why, for the audit trail (for example a ticket number).');
    return EXIT.usage;
  }
  const call = { operator: { via: 'admin', name: args.actor }, reason } as const;
  return withCore(
    args,
    (core) => act(core.holders, cardId, call),
    (value) => args.io.out(said(value, cardId)),
    { cardId },
  );
}

/** Search results as aligned columns, and a line when more matched than are shown. */
function formatMatches(matches: readonly HolderMatch[], more: boolean, limit: number): string {
  if (matches.length === 0) return 'No holder matches.';
  const header = ['CARD', 'HOLDER', 'EMAIL', 'MOBILE', 'SITE', 'SELF-SERVICE'];
  const rows = matches.map((m) =>
    [
      m.cardId,
      m.holderName,
      m.email ?? '-',
      m.mobile ?? '-',
      m.site ?? '-',
      m.frozen ? 'frozen' : m.lockedOut ? 'locked out' : 'available',
    ].map(shown),
  );
  return [
    ...alignedColumns(header, rows),
    ...(more ? [`More than ${limit} holders match: only the first ${limit} are shown.`] : []),
  ].join('\n');
}

/** search, set-contact, freeze and unfreeze. */
export const HOLDER_COMMANDS: readonly Command[] = [
  {
    name: 'search',
    usage: 'search QUERY [--json]',
    summary: 'Find holders by name, email, mobile or card ID (or part of one).',
    details: `QUERY (at least 2 characters) is looked for in names and email addresses (any case),
mobile numbers (07700 900123, +44 7700 900123 or some of the digits) and card IDs (the start).
At most 50 holders are listed; it says when more match.
  --json  print JSON instead of columns`,
    options: { json: { type: 'boolean' } },
    positionals: ['QUERY'],
    async run(args) {
      const query = holderSearchSchema.safeParse(args.positionals[0]);
      if (!query.success) {
        args.io.err(`QUERY: ${shown(query.error.issues[0]?.message ?? 'is not valid.')}`);
        return EXIT.usage;
      }
      return withCore(
        args,
        (core) => core.holders.search(query.data),
        (r) =>
          args.io.out(
            args.values.json === true
              ? jsonForTerminal(r)
              : formatMatches(r.matches, r.more, r.limit),
          ),
      );
    },
  },
  {
    name: 'set-contact',
    usage: 'set-contact CARD_ID [--email EMAIL] [--mobile NUMBER] --reason TEXT',
    summary: 'Correct a holder’s email address or mobile number.',
    details: `Checked as the import checks them: a UK mobile as people write it (07700 900123,
+44 7700 900123), stored as +447700900123. An empty value removes it ("--mobile ''"); an option
left out keeps what the card has. A holder keeps at least one of the two. A new email address is no
longer the one the holder confirmed at registration. The audit trail records both, masked.
  --email EMAIL    the new email address ('' for none)
  --mobile NUMBER  the new mobile number ('' for none)
${REASON_HELP}`,
    options: { email: { type: 'string' }, mobile: { type: 'string' }, ...REASON_OPTION },
    positionals: ['CARD_ID'],
    async run(args) {
      const { email, mobile } = args.values;
      if (typeof email !== 'string' && typeof mobile !== 'string') {
        args.io.err('Give --email, --mobile or both.');
        return EXIT.usage;
      }
      // Checked here too, with the import's schemas, so the operator reads what is wrong.
      for (const [option, value, schema] of [
        ['--email', email, holderEmailOrNoneSchema],
        ['--mobile', mobile, holderMobileOrNoneSchema],
      ] as const) {
        const checked = typeof value === 'string' ? schema.safeParse(value) : undefined;
        if (checked?.success === false) {
          args.io.err(`${option}: ${shown(checked.error.issues[0]?.message ?? 'is not valid.')}`);
          return EXIT.usage;
        }
      }
      const contacts = {
        ...(typeof email === 'string' ? { email } : {}),
        ...(typeof mobile === 'string' ? { mobile } : {}),
      };
      return changeCard(
        args,
        (holders, cardId, call) => holders.setContacts(cardId, contacts, call),
        (r, cardId) =>
          `Card ${cardId}: email ${shown(r.email ?? 'none')}, mobile ${shown(r.mobile ?? 'none')}${r.changed.length === 0 ? ' (unchanged).' : '.'}`,
      );
    },
  },
  {
    name: 'freeze',
    usage: 'freeze CARD_ID --reason TEXT',
    summary: 'Stop self-service unlock for a card until the desk lifts it.',
    details: `As the holder's "This wasn't me" link does: the app refuses the card and sends the
holder to the service desk. unfreeze (or clear-lockout) lifts it.
${REASON_HELP}`,
    options: REASON_OPTION,
    positionals: ['CARD_ID'],
    run: (args) =>
      changeCard(
        args,
        (holders, cardId, call) => holders.freeze(cardId, call),
        (r, cardId) =>
          r.frozenNow
            ? `Self-service unlock of card ${cardId} is frozen.`
            : `Self-service unlock of card ${cardId} was already frozen, since ${shown(r.since)}.`,
      ),
  },
  {
    name: 'unfreeze',
    usage: 'unfreeze CARD_ID --reason TEXT',
    summary: 'Lift a freeze of self-service unlock (and nothing else).',
    details: `Lifts a freeze by the desk or by the holder's "This wasn't me" link, after the desk has
checked the holder. A lockout after wrong answers stays: clear-lockout lifts both.
${REASON_HELP}`,
    options: REASON_OPTION,
    positionals: ['CARD_ID'],
    run: (args) =>
      changeCard(
        args,
        (holders, cardId, call) => holders.unfreeze(cardId, call),
        ({ wasFrozen }, cardId) =>
          wasFrozen === null
            ? `Card ${cardId} was not frozen; nothing to lift.`
            : `Self-service unlock of card ${cardId} is unfrozen (frozen since ${shown(wasFrozen.at)}: ${shown(frozenWhy(wasFrozen.reason))}).`,
      ),
  },
];
