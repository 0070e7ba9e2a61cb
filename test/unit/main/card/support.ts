import {
  command,
  encodeCommand,
  parseCommand,
  parseResponse,
  type CommandApdu,
} from '../../../../src/main/card/apdu';
import {
  completeProfile,
  parseProfile,
  type CompleteProfile,
} from '../../../../src/main/card/virtual/profile';
import { MemoryCardStore } from '../../../../src/main/card/virtual/card-store';
import { VirtualPivCard } from '../../../../src/main/card/virtual/virtual-piv-card';
import type { CardChannel } from '../../../../src/main/card/types';
import { ok } from '../../../../src/shared/result';

/** The profile fields most tests use; keys and certificates are generated. */
export const BASE_PROFILE = {
  guid: '0123456789ABCDEF0123456789abcdef',
  holderName: 'Mr John Rigby',
  pin: '123456',
  puk: '12345678',
  pinTriesLeft: 3,
  pukTriesLeft: 3,
} as const;

/** A complete profile (keys and certificates generated once per call). */
export function makeProfile(overrides: Record<string, unknown> = {}): CompleteProfile {
  const parsed = parseProfile({ ...BASE_PROFILE, ...overrides });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return completeProfile(parsed.value).profile;
}

/** A virtual card with an in-memory store. */
export function makeCard(overrides: Record<string, unknown> = {}) {
  const store = new MemoryCardStore();
  const profile = makeProfile(overrides);
  return { card: new VirtualPivCard(profile, store), store, profile };
}

/** Sends one APDU to the card and splits the answer. */
export function send(card: VirtualPivCard, apdu: CommandApdu): { data: Uint8Array; sw: number } {
  const bytes = encodeCommand(apdu);
  if (!bytes.ok) throw new Error(bytes.error.detail);
  const response = parseResponse(card.process(bytes.value));
  if (!response.ok) throw new Error(response.error.detail);
  return response.value;
}

/** VERIFY with an ASCII passcode padded to 8 bytes. */
export function verifyApdu(passcode?: string): CommandApdu {
  return command(0x00, 0x20, 0x00, 0x80, passcode === undefined ? undefined : pad(passcode));
}

/** FF-pads an ASCII value to 8 bytes. */
export function pad(value: string): Uint8Array {
  const out = new Uint8Array(8).fill(0xff);
  out.set(Buffer.from(value, 'ascii'));
  return out;
}

/** A channel straight onto a card that records every command it carries. */
export function recordingChannel(card: VirtualPivCard): {
  channel: CardChannel;
  sent: CommandApdu[];
} {
  const sent: CommandApdu[] = [];
  const channel: CardChannel = {
    atr: card.atr,
    transmit(bytes) {
      const parsed = parseCommand(bytes);
      if (!parsed.ok) throw new Error('the client sent a malformed command');
      sent.push(parsed.value);
      return Promise.resolve(ok(card.process(bytes)));
    },
    close: () => Promise.resolve(),
  };
  return { channel, sent };
}
