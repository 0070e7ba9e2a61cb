import type { VpcdCard } from '../../src/main/card/virtual/vpcd-link';

/**
 * A tiny card for PC/SC tests without PIV: SELECT → 90 00, ECHO (0xEC) echoes, SLOW (0xE5) takes
 * its time, PULL (0xEE) leaves the reader, anything else 6D 00; the minimal T=1 ATR.
 */
export const ECHO_CARD_ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);

/** The ECHO instruction: the card returns the command data. */
export const INS_ECHO = 0xec;

/** The PULL instruction: a card process that sees it leaves the reader without answering. */
export const INS_PULL = 0xee;

/** The SLOW instruction: the card thinks for `SLOW_MS` before answering 90 00. */
export const INS_SLOW = 0xe5;
/** How long the SLOW instruction keeps the card busy. */
export const SLOW_MS = 300;

/** Builds the echo card; `onPull` runs when the PULL command arrives (the card must not answer). */
export function echoCard(onPull?: () => void): VpcdCard {
  return {
    atr: ECHO_CARD_ATR,
    process(command) {
      const ins = command[1];
      if (ins === 0xa4) return Uint8Array.of(0x90, 0x00);
      if (ins === INS_ECHO) {
        const data = command.length > 5 ? command.slice(5, 5 + command[4]!) : new Uint8Array(0);
        return Uint8Array.of(...data, 0x90, 0x00);
      }
      if (ins === INS_SLOW) {
        // Busy, as a card computing a signature is: this process answers nothing meanwhile.
        const until = Date.now() + SLOW_MS;
        while (Date.now() < until);
        return Uint8Array.of(0x90, 0x00);
      }
      if (ins === INS_PULL && onPull !== undefined) {
        onPull();
        return Uint8Array.of(0x90, 0x00);
      }
      return Uint8Array.of(0x6d, 0x00);
    },
  };
}
