import type { ErrorCode } from '../../shared/errors';
import { ok } from '../../shared/result';
import { ASK_DESK_FROM } from './approval-states';
import type { Step, StepContext } from './flow-step';
import type { UnlockEvent } from './unlock-flow';

// The desk's approval as a step of the unlock (docs/decisions/0025-assisted-unlock.md): the
// holder asks for a reference, then the app asks the server every few seconds whether the desk
// has approved, while the screen shows the reference; the card is not touched until the unblock.

type Context = StepContext<UnlockEvent>;

/** Failures of a question about the approval that the next question may not meet: keep waiting. */
const ASK_AGAIN = new Set<ErrorCode>([
  'SERVER_UNREACHABLE',
  'SERVER_ERROR',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/**
 * Waits for the desk while the flow rests on the reference: every `pollAfterSeconds` the server
 * says pending, approved (the new passcode comes next) or expired (a new reference is offered).
 */
async function awaitApproval(context: Context): Promise<void> {
  const { attemptId } = context.attempt;
  const waiting = () => context.current() && context.stateKind() === 'approval';
  while (waiting()) {
    const waited = context.state() as unknown as { readonly pollAfterSeconds: number };
    await context.sleep(waited.pollAfterSeconds * 1000);
    if (!waiting()) return;
    const asked = await context.server.unlockApprovalStatus(attemptId);
    if (!waiting()) return;
    if (!asked.ok) {
      context.logger.info('unlock: approval not checked', {
        attemptId,
        errorCode: asked.error.code,
      });
      if (ASK_AGAIN.has(asked.error.code)) continue;
      context.emit({ type: 'failed', error: asked.error });
      return context.endIfFailed();
    }
    const status = asked.value;
    if (status.status === 'approved') {
      context.logger.info('unlock: approved by the service desk', { attemptId });
      return context.emit({ type: 'approved', holderName: status.holderName });
    }
    if (status.status === 'expired') {
      context.logger.info('unlock: reference expired', { attemptId });
      return context.emit({ type: 'approval-expired', referencesLeft: status.referencesLeft });
    }
    const { expiresAt, pollAfterSeconds } = status;
    context.emit({ type: 'approval-pending', expiresAt, pollAfterSeconds });
  }
}

/**
 * The desk's approval: a reference from the server (a new one after expiry), shown for the holder
 * to read aloud; the wait for the desk runs while the screen shows it.
 */
export function approvalStep(): Step<UnlockEvent> {
  return {
    view: 'unlock-approval',
    input: 'none',
    confirmHolder: false,
    progress: 'asking-desk',
    actions: {
      'ask-desk': {
        from: ASK_DESK_FROM,
        prepare: () =>
          ok(async (context) => {
            const { attemptId } = context.attempt;
            context.emit({ type: 'desk-asked' });
            const issued = await context.server.unlockApproval(attemptId);
            if (!context.current()) return;
            if (!issued.ok) {
              context.emit({ type: 'approval-refused', error: issued.error });
              return context.endIfFailed();
            }
            context.logger.info('unlock: reference for the service desk', {
              attemptId,
              referencesLeft: issued.value.referencesLeft,
            });
            context.emit({ type: 'approval-issued', issued: issued.value });
          }),
      },
    },
    waits: { in: 'approval', run: awaitApproval },
  };
}
