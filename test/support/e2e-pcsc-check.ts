import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Talks to a card through PC/SC with OpenSC's `opensc-tool`, outside the app's code: raw PIV APDUs
 * (SELECT, VERIFY, RESET RETRY COUNTER), so the end-to-end tests can lock a card the way a user
 * does (three wrong passcodes) and check afterwards what the card itself accepts.
 */

const PIV_SELECT = '00:A4:04:00:09:A0:00:00:03:08:00:00:10:00';

/** A passcode or PUK as PIV wants it: ASCII, padded with FF to 8 bytes. */
function padded(secret: string): string {
  const bytes = [...Buffer.from(secret, 'ascii')];
  while (bytes.length < 8) bytes.push(0xff);
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** The status word of each APDU sent, e.g. ['9000', '63C2']. */
async function sendApdus(
  env: Readonly<Record<string, string>>,
  readerIndex: number,
  apdus: readonly string[],
): Promise<string[]> {
  const args = ['-r', String(readerIndex), ...apdus.flatMap((a) => ['-s', a])];
  const { stdout, stderr } = await run('opensc-tool', args, {
    env: { ...process.env, ...env },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`opensc-tool ${args.join(' ')} failed: ${error.stderr ?? error.message}`);
  });
  const words = [...stdout.matchAll(/SW1=0x([0-9a-f]{2}), SW2=0x([0-9a-f]{2})/gi)].map((m) =>
    `${m[1]}${m[2]}`.toUpperCase(),
  );
  if (words.length !== apdus.length)
    throw new Error(
      `opensc-tool answered ${words.length} of ${apdus.length} APDUs:\n${stdout}${stderr}`,
    );
  return words;
}

/** VERIFY with `passcode`: the status word ('9000' accepted, '63Cx' wrong with x tries left, '6983' locked). */
export async function verifyPasscode(
  env: Readonly<Record<string, string>>,
  passcode: string,
  readerIndex = 0,
): Promise<string> {
  const words = await sendApdus(env, readerIndex, [
    PIV_SELECT,
    `00:20:00:80:08:${padded(passcode)}`,
  ]);
  return words[1]!;
}

/** Sends three wrong passcodes, as a user who forgot theirs would: the card is then locked. */
export async function lockWithWrongPasscodes(
  env: Readonly<Record<string, string>>,
  readerIndex = 0,
): Promise<readonly string[]> {
  const wrong = `00:20:00:80:08:${padded('000000')}`;
  const words = await sendApdus(env, readerIndex, [PIV_SELECT, wrong, wrong, wrong]);
  return words.slice(1);
}

/** The passcode tries left, read with an empty VERIFY ('63Cx' → x; '6983' → 0; '9000' → verified). */
export async function passcodeTriesLeft(
  env: Readonly<Record<string, string>>,
  readerIndex = 0,
): Promise<string> {
  const words = await sendApdus(env, readerIndex, [PIV_SELECT, '00:20:00:80']);
  return words[1]!;
}

/**
 * RESET RETRY COUNTER with `puk` and a new passcode: '9000' when the card accepts the PUK (it then
 * takes the new passcode), '63Cx' when it refuses it.
 */
export async function resetWithPuk(
  env: Readonly<Record<string, string>>,
  puk: string,
  newPasscode: string,
  readerIndex = 0,
): Promise<string> {
  const words = await sendApdus(env, readerIndex, [
    PIV_SELECT,
    `00:2C:00:80:10:${padded(puk)}:${padded(newPasscode)}`,
  ]);
  return words[1]!;
}
