import type { AssistedUnlockFound } from '../domain/assisted-unlock-ports';
import { ukTime } from '../mail/uk-time';
import { EXIT, type Command } from './admin-command';
import { REASON_HELP, REASON_OPTION } from './holder-commands';
import { escapeTerminalText as shown, jsonForTerminal } from './terminal-text';

/** Whose unlock a reference names, one fact a line, for the desk to check the caller against. */
function formatFound(found: AssistedUnlockFound): string {
  return [
    `Reference             ${shown(found.reference)}`,
    `Holder                ${shown(found.holderName)}`,
    `Card                  ${shown(found.cardId)}`,
    `Started               ${ukTime(new Date(found.startedAt))}`,
    `Can be approved until ${ukTime(new Date(found.referenceExpiresAt))}`,
    `Self-service locked   ${found.selfServiceLocked ? 'yes (the approval lets this unlock past it)' : 'no'}`,
  ].join('\n');
}

/**
 * `approve REFERENCE`: the desk's approval of an assisted unlock (docs/decisions/0025), through the
 * same domain function as the console's; `--check` shows whose unlock it is and approves nothing.
 */
export const APPROVE_COMMAND: Command = {
  name: 'approve',
  usage: 'approve REFERENCE [--reason TEXT] [--check] [--json]',
  summary:
    'Approve a caller’s unlock by the reference on their screen, once you have checked them.',
  details: `REFERENCE is what the caller reads from their screen, such as 4KF-92Q (case, spaces and the
hyphen do not matter). Check who the caller is as your procedure says first: --check shows whose
unlock the reference names without approving it. Once approved, the caller's app goes on to the
new passcode by itself; the PUK is released to that attempt only, under the daily limit.
A reference is approved once, and only while it and the caller's attempt last. The audit trail
records the approval (unlock.desk-approval) with --actor and --reason.
${REASON_HELP}
  --check         show whose unlock the reference names; approve nothing
  --json          print JSON instead of text`,
  options: { ...REASON_OPTION, check: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: ['REFERENCE'],
  async run(args) {
    const reference = args.positionals[0]!;
    const { reason, check, json } = args.values;
    const opened = await args.core();
    if (typeof opened === 'number') return opened;
    const { core } = opened;
    try {
      const desk = core.assistedUnlock;
      const operator = { via: 'admin', name: args.actor } as const;
      const result =
        check === true
          ? await desk.find({ reference, operator })
          : await desk.approve({
              reference,
              operator,
              ...(typeof reason === 'string' ? { reason } : {}),
            });
      if (!result.ok) {
        args.io.err(shown(`${result.error.code}: ${result.error.message}`));
        return EXIT.refused;
      }
      const found = result.value;
      if (json === true) {
        args.io.out(jsonForTerminal(found));
      } else if (check === true) {
        args.io.out(`${formatFound(found)}\n(check only: nothing was approved.)`);
      } else {
        args.io.out(
          `Approved the unlock of card ${shown(found.cardId)} for ${shown(found.holderName)} (reference ${shown(found.reference)}). Their app goes on to the new passcode by itself.`,
        );
      }
      return EXIT.ok;
    } finally {
      await core.close();
    }
  },
};
