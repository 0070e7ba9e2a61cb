import { describe, expect, it } from 'vitest';
import { sendNotice } from '../../../../server/domain/attempt/code-send';
import type { DomainDeps } from '../../../../server/domain/deps';
import type { HolderMessage, SendOutcome } from '../../../../server/domain/delivery-port';

const NOTICE: HolderMessage = {
  channel: 'email',
  to: 'john.rigby@nhs.net',
  purpose: 'unlocked-notice',
  holderName: 'John Rigby',
  at: new Date('2026-12-06T10:00:00Z'),
  reason: 'unlock',
};

/** The two ports a notice uses: a delivery that answers `outcome`, and a logger that keeps lines. */
function ports(outcome: SendOutcome) {
  const sent: HolderMessage[] = [];
  const warnings: unknown[] = [];
  const deps = {
    delivery: {
      send: (message: HolderMessage) => {
        sent.push(message);
        return Promise.resolve(outcome);
      },
    },
    logger: { warn: (fields: unknown) => warnings.push(fields) },
  } as unknown as DomainDeps;
  return { deps, sent, warnings };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('a courtesy notice', () => {
  it('when a step sends one, then nothing of it runs before the step has answered, and it goes on the next turn', async () => {
    const { deps, sent } = ports('sent');
    sendNotice(deps, 'attempt-1', NOTICE);
    // The step's own awaits (SQLite's are microtasks) finish first, and with them its answer.
    await Promise.resolve();
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([NOTICE]);
  });

  it('when it cannot be sent, then the failure is logged with the attempt, the purpose and the channel, and nothing else', async () => {
    const { deps, warnings } = ports('not-sent');
    sendNotice(deps, 'attempt-1', NOTICE);
    await nextTurn();
    await Promise.resolve();
    expect(warnings).toEqual([
      { attemptId: 'attempt-1', purpose: 'unlocked-notice', channel: 'email' },
    ]);
  });
});
