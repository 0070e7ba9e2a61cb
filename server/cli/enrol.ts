import type { CardResult, PivCard } from '../../src/main/card/types';

/** What enrolment reads from a card: its identifier and the certificates of slots 9A and 9E. */
export interface CardIdentity {
  readonly cardId: string;
  readonly pivAuthentication: Uint8Array;
  readonly cardAuthentication: Uint8Array;
}

/** A card in a local reader, opened for the admin CLI. */
export interface LocalCard {
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

/**
 * The PC/SC reader support of the card layer (src/main/card/pcsc) is not in this build yet, so
 * `enrol` says so instead of pretending. Wire the adapter here once it lands.
 */
export const openLocalCardUnavailable: OpenLocalCard = () =>
  Promise.resolve({
    ok: false,
    error: {
      code: 'service-down',
      detail:
        'enrol needs the card layer’s PC/SC reader support (src/main/card/pcsc), which is not in this build yet. Meanwhile, export the card from the issuing system and use `import`.',
    },
  });
