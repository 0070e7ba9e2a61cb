import { appError } from '../../shared/errors';
import {
  deliveryChannelSchema,
  type CodeDelivery,
  type DeliveryChannel,
} from '../../shared/http-api';
import { err, ok } from '../../shared/result';
import type { ServerClient, ServerResult } from '../server-client/server-client';
import type { AttemptEvent } from './attempt-states';
import type { Step } from './flow-step';

// The channel step's work: the code sent by the channel the holder chose, or another way from the
// code screen. Its transitions are `channelReducer` (attempt-states.ts).

/** The server route that sends the code by a channel. */
type SendRoute = (
  server: ServerClient,
  attemptId: string,
  channel: DeliveryChannel,
) => Promise<ServerResult<CodeDelivery>>;

/**
 * Where the code goes: sent by the channel asked for, from the choice (or at once, when the holder
 * has one contact and has confirmed the card) or from the code screen, to send it another way.
 */
export function channelStep<P>(options: {
  readonly send: SendRoute;
  readonly log: string;
}): Step<AttemptEvent<P>> {
  const { send, log } = options;
  return {
    view: 'unlock-channel',
    input: 'none',
    // Under code-only the choice is the first screen after the proof: the holder confirms first.
    confirmHolder: true,
    progress: 'sending-code',
    actions: {
      'send-code': {
        from: ['channel', 'code'],
        prepare: ({ channel }) => {
          const parsed = deliveryChannelSchema.safeParse(channel);
          if (!parsed.success) return err(appError('VALIDATION_FAILED', { field: 'channel' }));
          return ok(async (context) => {
            const anotherWay = context.stateKind() === 'code';
            context.emit({ type: 'send-requested', channel: parsed.data });
            // Not one of the holder's channels: the transition refused it, and nothing is sent.
            if (context.stateKind() !== 'sending-code') return;
            const { attemptId } = context.attempt;
            const result = await send(context.server, attemptId, parsed.data);
            if (!context.current()) return;
            if (result.ok) {
              context.logger.info(`${log}: code sent`, {
                attemptId,
                channel: parsed.data,
                anotherWay,
              });
              return context.emit({ type: 'code-sent', delivery: result.value });
            }
            // From the code screen a refusal shows there, as a resend's does.
            const { error } = result;
            context.emit(
              anotherWay ? { type: 'resend-refused', error } : { type: 'send-refused', error },
            );
            context.endIfFailed();
          });
        },
      },
    },
  };
}
