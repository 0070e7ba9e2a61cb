import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { err, ok, type Result } from '../../../shared/result';
import { openVirtualCardFile } from './virtual-piv-card';
import { describeNotice, VPCD_DEFAULT_PORT, VpcdLink, type VpcdCard } from './vpcd-link';

/**
 * `npm run virtual-card -- --profile FILE [--port 35963]`: the virtual card in pcscd's vpcd reader;
 * stdin takes `insert`, `remove`, `quit`; each insertion and removal prints the line tests wait on.
 */

/** The command line, validated. */
const virtualCardArgsSchema = z
  .object({
    profile: z.string().min(1, 'give the card profile with --profile FILE'),
    port: z.coerce
      .number()
      .int('--port must be a whole number')
      .min(1, '--port must be between 1 and 65535')
      .max(65535, '--port must be between 1 and 65535')
      .default(VPCD_DEFAULT_PORT),
  })
  .strict();
type VirtualCardArgs = z.infer<typeof virtualCardArgsSchema>;

const usage = 'Usage: npm run virtual-card -- --profile FILE [--port 35963]';

/** Parses and validates the command line; the error is a message for the terminal. */
export function parseVirtualCardArgs(argv: readonly string[]): Result<VirtualCardArgs, string> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { profile: { type: 'string' }, port: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return err(`${(error as Error).message}\n${usage}`);
  }
  const parsed = virtualCardArgsSchema.safeParse({ profile: values.profile ?? '', ...values });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`${issue?.message ?? 'invalid arguments'}\n${usage}`);
  }
  return ok(parsed.data);
}

/** Loads the card from its profile; the error message names the faulty field. */
type CardLoader = (profilePath: string) => Promise<Result<VpcdCard, string>>;

/** What the CLI touches outside itself, so tests can run it in-process or with their own card. */
interface VirtualCardIo {
  readonly loadCard: CardLoader;
  readonly input: NodeJS.ReadableStream;
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

/**
 * Runs the virtual card until `quit` or a signal; resolves with the exit code. Never rejects: every
 * failure is a message and a non-zero code.
 */
export async function runVirtualCard(argv: readonly string[], io: VirtualCardIo): Promise<number> {
  const args = parseVirtualCardArgs(argv);
  if (!args.ok) {
    io.printError(args.error);
    return 2;
  }
  const card = await io.loadCard(args.value.profile);
  if (!card.ok) {
    io.printError(`Cannot use the card profile. ${card.error}`);
    return 1;
  }
  const link = new VpcdLink({
    card: card.value,
    port: args.value.port,
    onNotice: (notice) => io.print(describeNotice(notice)),
  });
  link.insert();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const lines = createInterface({ input: io.input, terminal: false });
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      lines.close();
      void link.close().then(() => resolve(code));
    };
    const onSignal = (): void => stop(0);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    lines.on('line', (line) => {
      const command = line.trim().toLowerCase();
      if (command === 'insert') {
        if (link.state === 'removed') link.insert();
        else io.print('The card is already inserted.');
      } else if (command === 'remove') {
        if (link.state === 'removed') io.print('The card is already removed.');
        else void link.remove();
      } else if (command === 'quit') {
        stop(0);
      } else if (command !== '') {
        io.printError(`Unknown command "${command}": type insert, remove or quit.`);
      }
    });
  });
}

/** The card loader of the real CLI: the profile loader and the virtual PIV card. */
const loadProfileCard: CardLoader = (profilePath) => {
  const card = openVirtualCardFile(profilePath);
  return Promise.resolve(card.ok ? ok(card.value) : err(card.error.message));
};

const isEntryPoint =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  void runVirtualCard(process.argv.slice(2), {
    loadCard: loadProfileCard,
    input: process.stdin,
    print: (line) => console.log(line),
    printError: (line) => console.error(line),
  }).then((code) => process.exit(code));
}
