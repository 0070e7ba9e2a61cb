import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../server/config';
import { createServices } from '../../../../server/create-services';
import { runAdminInProcess } from '../../../support/admin-cli';
import { makeTestCard, proofFor } from '../support/real-server';

// `npm run admin -- approve`: the desk's approval of an assisted unlock from the command line,
// through the same domain function as the console (docs/decisions/0025-assisted-unlock.md).

const key = (n: number) => Buffer.alloc(32, n).toString('base64');
const ctx = { sourceAddress: '10.0.0.7', requestId: 'req-test' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scu-approve-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const admin = (env: Record<string, string>, ...argv: string[]) =>
  runAdminInProcess(dir, env, ...argv);

/**
 * A database with one card whose holder asked the desk (a card with no registration, so its proof
 * keeps the attempt for the desk); returns the settings and the reference on the holder's screen.
 */
async function waitingForDesk(name: string) {
  const env = {
    DATA_DIR: join(dir, name),
    SCU_KEY_ENCRYPTION_KEYS: `k1=${key(1)}`,
    SCU_ACTIVE_KEY_ID: 'k1',
    SCU_ANSWER_PEPPER: key(3),
  };
  const loaded = loadConfig({ env, cwd: dir, development: false, purpose: 'admin' });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const core = await createServices(loaded.value.core);
  try {
    const card = makeTestCard('c4'.repeat(16));
    const imported = await core.admin.importCards(
      [
        {
          cardId: card.cardId,
          holderName: 'Mr John Rigby',
          email: 'john.rigby@nhs.net',
          pivAuthentication: card.spki['9A'],
          cardAuthentication: card.spki['9E'],
          puk: '31415926',
        },
      ],
      'carol',
    );
    expect(imported.ok).toBe(true);
    const started = await core.unlock.start(card.cardId, ctx);
    if (!started.ok) throw new Error('no attempt');
    const { attemptId, nonce } = started.value;
    const signature = Buffer.from(proofFor(card, 'unlock', attemptId, nonce), 'base64');
    const proved = await core.unlock.step('proof', attemptId, new Uint8Array(signature), ctx);
    expect(proved).toMatchObject({ error: { details: { assistedUnlock: true } } });
    const issued = await core.unlock.step('approval', attemptId, undefined, ctx);
    if (!issued.ok) throw new Error('no reference');
    return { env, cardId: card.cardId, reference: issued.value.reference };
  } finally {
    await core.close();
  }
}

describe('the admin CLI approve command on a real SQLite database', () => {
  it('when the desk checks then approves a reference, then it says whose unlock it was, and a second approval is refused with the reason', async () => {
    const { env, cardId, reference } = await waitingForDesk('approve');
    const checked = await admin(env, 'approve', reference, '--check');
    expect(checked.status).toBe(0);
    expect(checked.out).toContain('Holder                Mr John Rigby');
    expect(checked.out).toContain(`Card                  ${cardId}`);
    expect(checked.out).toContain('(check only: nothing was approved.)');

    const typed = reference.toLowerCase().replace('-', ' ');
    expect(
      await admin(env, 'approve', typed, '--reason', 'INC0012345', '--actor', 'desk-analyst'),
    ).toEqual({
      status: 0,
      out: `Approved the unlock of card ${cardId} for Mr John Rigby (reference ${reference}). Their app goes on to the new passcode by itself.`,
      err: '',
    });
    const again = await admin(env, 'approve', reference, '--actor', 'desk-analyst');
    expect(again.status).toBe(1);
    expect(again.err).toMatch(
      new RegExp(
        `^REFERENCE_USED: The reference ${reference} was approved already, at \\d\\d:\\d\\d \\(UK time\\) by admin:desk-analyst\\.`,
      ),
    );

    const audit = await admin(env, 'audit', '--card', cardId, '--json');
    const rows = JSON.parse(audit.out) as {
      action: string;
      outcome: string;
      sourceAddress: string;
      detail: string | null;
    }[];
    expect(rows.filter((r) => r.action === 'unlock.desk-approval')).toEqual([
      expect.objectContaining({ outcome: 'REFERENCE_USED', sourceAddress: 'admin:desk-analyst' }),
      expect.objectContaining({
        outcome: 'ok',
        sourceAddress: 'admin:desk-analyst',
        detail: 'reference=1;reason=INC0012345',
      }),
    ]);
  });

  it('when the reference is not one, or none is given, then it says why with its exit status', async () => {
    const { env } = await waitingForDesk('refusals');
    const malformed = await admin(env, 'approve', '0O1-IL0');
    expect([malformed.status, malformed.err]).toEqual([
      1,
      expect.stringMatching(/^REFERENCE_MALFORMED: "0O1-IL0" is not a reference/),
    ]);
    const unknown = await admin(env, 'approve', 'ZZZ-ZZZ', '--check');
    expect([unknown.status, unknown.err]).toEqual([1, expect.stringMatching(/^REFERENCE_UNKNOWN/)]);
    expect((await admin(env, 'approve')).status).toBe(2);
    const help = await admin(env, '--help');
    expect(help.out).toMatch(/approve {13}Approve a caller’s unlock by the reference/);
  });
});
