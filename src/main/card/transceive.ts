import { err, ok } from '../../shared/result';
import {
  chainCommand,
  encodeCommand,
  getResponseCommand,
  parseResponse,
  SW_OK,
  type CommandApdu,
  type ResponseApdu,
} from './apdu';
import { concatBytes } from './bytes';
import type { CardChannel, CardResult } from './types';

/**
 * One logical exchange with a card over a raw channel: chains long commands, collects `61 xx`
 * chunks with GET RESPONSE, and resends once with the right Le on `6C xx`. The result carries
 * the final status word; mapping it to an error is the caller's job (it knows the command).
 */

/** Upper bound on GET RESPONSE rounds, so a card that keeps answering 61 xx cannot loop us. */
const MAX_RESPONSE_CHUNKS = 256;

async function exchangeOnce(
  channel: CardChannel,
  apdu: CommandApdu,
): Promise<CardResult<ResponseApdu>> {
  const bytes = encodeCommand(apdu);
  if (!bytes.ok) return bytes;
  let raw: CardResult<Uint8Array>;
  try {
    raw = await channel.transmit(bytes.value);
  } catch (cause) {
    // A channel should answer with a CardResult; one that throws still must not escape upwards.
    return err({ code: 'io', detail: `transmit threw: ${String(cause)}` });
  }
  if (!raw.ok) return raw;
  return parseResponse(raw.value);
}

/** Sends one APDU; on `6C xx` sends it again once with Le = xx (ISO 7816-4 §5.1.3). */
async function exchange(
  channel: CardChannel,
  apdu: CommandApdu,
): Promise<CardResult<ResponseApdu>> {
  const first = await exchangeOnce(channel, apdu);
  if (!first.ok || first.value.sw >> 8 !== 0x6c) return first;
  const le = first.value.sw & 0xff;
  return exchangeOnce(channel, { ...apdu, le: le === 0 ? 256 : le });
}

/** Sends a command (chained when its data exceeds 255 bytes) and returns the whole response. */
export async function transceive(
  channel: CardChannel,
  apdu: CommandApdu,
): Promise<CardResult<ResponseApdu>> {
  const parts = chainCommand(apdu);
  let response: ResponseApdu | undefined;
  for (const [i, part] of parts.entries()) {
    const result = await exchange(channel, part);
    if (!result.ok) return result;
    response = result.value;
    // A card that refuses a link of the chain answers for the whole command.
    if (i < parts.length - 1 && response.sw !== SW_OK) return ok(response);
  }
  if (!response) return err({ code: 'io', detail: 'no command to send' });
  const chunks: Uint8Array[] = [response.data];
  let sw = response.sw;
  for (let round = 0; sw >> 8 === 0x61; round++) {
    if (round >= MAX_RESPONSE_CHUNKS) {
      return err({ code: 'malformed', statusWord: sw, detail: 'card kept answering 61 xx' });
    }
    const next = await exchange(channel, getResponseCommand(sw & 0xff));
    if (!next.ok) return next;
    chunks.push(next.value.data);
    sw = next.value.sw;
  }
  return ok({ data: concatBytes(...chunks), sw });
}
