import { createPcscBackend } from '../../src/main/card/pcsc/pcsc-backend';
import { PivClient } from '../../src/main/card/piv-client';
import { selectReader } from '../../src/main/card/reader-selection';
import type { CardResult, PivCard, ReaderInfo } from '../../src/main/card/types';
import { err, ok } from '../../src/shared/result';

/** What enrolment reads from a card: its identifier and the certificates of slots 9A and 9E. */
interface CardIdentity {
  readonly cardId: string;
  readonly pivAuthentication: Uint8Array;
  readonly cardAuthentication: Uint8Array;
}

/** A card in a local reader, opened for the admin CLI. */
interface LocalCard {
  readonly card: PivCard;
  readonly reader: string;
  close(): Promise<void>;
}

/** Opens the card in a local reader (the named one, or the only one holding a card). */
export type OpenLocalCard = (reader: string | undefined) => Promise<CardResult<LocalCard>>;

/** Reads the GUID and both certificates; no passcode is needed for any of them. */
export async function readCardIdentity(card: PivCard): Promise<CardResult<CardIdentity>> {
  const selected = await card.select();
  if (!selected.ok) return selected;
  const cardId = await card.readCardId();
  if (!cardId.ok) return cardId;
  const pivAuthentication = await card.readCertificate('9A');
  if (!pivAuthentication.ok) return pivAuthentication;
  const cardAuthentication = await card.readCertificate('9E');
  if (!cardAuthentication.ok) return cardAuthentication;
  return {
    ok: true,
    value: {
      cardId: cardId.value,
      pivAuthentication: pivAuthentication.value,
      cardAuthentication: cardAuthentication.value,
    },
  };
}

/** Why no reader could be used, with the readers the operator could name instead. */
function readerError(
  code: 'reader-missing' | 'card-absent' | 'reader-choice-needed',
  detail: string,
): CardResult<never> {
  return err({ code, detail });
}

/**
 * Opens the card in a local reader through the card layer's PC/SC backend (pcscd on Linux,
 * WinSCard on Windows; the virtual card through vpcd). A named reader must be attached; without
 * a name, the only reader holding a card is used.
 */
export const openLocalCardPcsc: OpenLocalCard = async (reader) => {
  const created = await createPcscBackend();
  if (!created.ok) {
    return err({
      code: 'service-down',
      detail: `${created.error.message} (${created.error.detail})`,
    });
  }
  const backend = created.value;
  const fail = async <T>(result: CardResult<T>): Promise<CardResult<never>> => {
    await backend.close();
    return result.ok ? err({ code: 'io' }) : result;
  };
  const listed = await backend.listReaders();
  if (!listed.ok) return fail(listed);
  const names = listed.value.map((r) => r.name);
  let chosen: ReaderInfo | undefined;
  if (reader !== undefined) {
    chosen = listed.value.find((r) => r.name === reader);
    if (chosen === undefined) {
      return fail(
        readerError(
          'reader-missing',
          `No reader is named "${reader}". Readers: ${names.join(', ') || 'none'}.`,
        ),
      );
    }
  } else {
    const selected = selectReader(listed.value);
    if (!selected.ok) {
      const candidates = selected.error.candidates ?? [];
      return fail(
        readerError(
          selected.error.code,
          candidates.length > 0
            ? `Name the reader with --reader. Readers: ${candidates.join(', ')}.`
            : 'No smartcard reader is attached.',
        ),
      );
    }
    chosen = selected.value;
  }
  if (!chosen.hasCard) {
    return fail(readerError('card-absent', `There is no card in "${chosen.name}".`));
  }
  const channel = await backend.connect(chosen.name);
  if (!channel.ok) return fail(channel);
  const name = chosen.name;
  return ok({
    card: new PivClient(channel.value),
    reader: name,
    close: async () => {
      await channel.value.close();
      await backend.close();
    },
  });
};
