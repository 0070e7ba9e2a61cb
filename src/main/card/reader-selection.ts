import { err, ok, type Result } from '../../shared/result';
import type { CardError, ReaderInfo } from './types';

/** Why no reader could be chosen; `candidates` lists the readers to offer when the user must choose. */
interface ReaderSelectionError extends CardError {
  readonly code: 'reader-missing' | 'card-absent' | 'reader-choice-needed';
  readonly candidates?: readonly string[];
}

/**
 * Chooses the reader to use: the configured one when it is attached; else the only reader with a
 * card; else, with several cards, the user must choose. A configured name that is not attached
 * (settings from another workstation) falls back to the same rules rather than blocking the user.
 */
export function selectReader(
  readers: readonly ReaderInfo[],
  configured?: string,
): Result<ReaderInfo, ReaderSelectionError> {
  if (readers.length === 0) return err({ code: 'reader-missing' });
  if (configured !== undefined && configured !== '') {
    const match = readers.find((r) => r.name === configured);
    if (match !== undefined) return ok(match);
  }
  const withCard = readers.filter((r) => r.hasCard);
  const [only] = withCard;
  if (withCard.length === 1 && only !== undefined) return ok(only);
  if (withCard.length > 1) {
    return err({ code: 'reader-choice-needed', candidates: withCard.map((r) => r.name) });
  }
  // No card anywhere: with a single reader, that is the one to watch for the card.
  const [single] = readers;
  if (readers.length === 1 && single !== undefined) return ok(single);
  return err({ code: 'card-absent', candidates: readers.map((r) => r.name) });
}
