import { appError, type AppError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import {
  CARD_ERROR_TO_APP_ERROR,
  type CardError,
  type CardIdentity,
  type CardResult,
  type PivUnlockCard,
} from '../card/types';

/** A card opened for one step; `close` leaves it in the reader. */
export interface CardHandle {
  readonly card: PivUnlockCard;
  close(): Promise<void>;
}

/** Opens the card in the selected reader. */
export interface CardAccess {
  open(): Promise<CardResult<CardHandle>>;
}

/** The user-facing error for a card error, with its tries left. */
export function cardErrorToAppError(error: CardError): AppError {
  const code = CARD_ERROR_TO_APP_ERROR[error.code];
  return error.triesLeft === undefined
    ? appError(code)
    : appError(code, { triesLeft: error.triesLeft });
}

/** During the unblock, a card that went away is a removed card, whatever the reader said. */
export const cardGone = (error: CardError): boolean =>
  error.code === 'card-removed' || error.code === 'card-absent' || error.code === 'reader-missing';

/** Whether the card answered (so we know what it did) rather than the transport failing. */
export const cardAnswered = (error: CardError): boolean =>
  error.statusWord !== undefined && !cardGone(error) && error.code !== 'io';

/**
 * SELECT, the card identifier, and the passcode's state (without spending a try), in one call to
 * where the card is.
 */
export async function readCard(card: PivUnlockCard): Promise<Result<CardIdentity, AppError>> {
  const read = await card.identify();
  return read.ok ? ok(read.value) : err(cardErrorToAppError(read.error));
}
