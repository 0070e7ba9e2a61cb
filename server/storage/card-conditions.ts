import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from './schema';

// Conditions on an attempt's card, checked inside the statement that moves the attempt on, so a
// card locked or frozen meanwhile stops it on every instance.

/**
 * A condition on an attempt: its card has fewer than `max` failures and is not frozen ("This
 * wasn't me"), so self-service may go on.
 */
export const cardNotLocked =
  (max: number) =>
  (eb: ExpressionBuilder<Database, 'attempts'>): Expression<SqlBool> =>
    eb.exists(
      eb
        .selectFrom('cards')
        .select('cards.card_id')
        .whereRef('cards.card_id', '=', 'attempts.card_id')
        .where('cards.failures', '<', max)
        .where('cards.frozen_at', 'is', null),
    );

/** A condition on an attempt: its card is not frozen ("This wasn't me"). */
export const cardNotFrozen = (eb: ExpressionBuilder<Database, 'attempts'>): Expression<SqlBool> =>
  eb.exists(
    eb
      .selectFrom('cards')
      .select('cards.card_id')
      .whereRef('cards.card_id', '=', 'attempts.card_id')
      .where('cards.frozen_at', 'is', null),
  );
