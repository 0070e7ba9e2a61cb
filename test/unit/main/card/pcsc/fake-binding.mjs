// A stand-in for the smartcard binding with one reader holding a card, for tests of the PC/SC
// backend's transmit path without pcscd. The card echoes a command's data with 90 00; INS EE ends
// the worker thread in the middle of the command (as a native crash would), INS DD never answers.
const PRESENT = (1 << 16) | 0x20;
const ATR = Uint8Array.of(0x3b, 0x00);
export const READER = 'Fake Reader 00 00';

class Card {
  atr = ATR;
  transmit(command) {
    return new Promise((resolve) => {
      if (command[1] === 0xee) setImmediate(() => process.exit(4));
      else if (command[1] !== 0xdd) {
        setImmediate(() => resolve(Buffer.concat([command.subarray(5), Buffer.of(0x90, 0x00)])));
      }
    });
  }
  disconnect() {}
}

export class Context {
  listReaders() {
    return [{ name: READER, state: PRESENT, atr: ATR, connect: async () => new Card() }];
  }
  waitForChange(_readers, timeout) {
    return new Promise((resolve) => {
      this.wake = () => resolve(null);
      setTimeout(this.wake, timeout);
    });
  }
  cancel() {
    this.wake?.();
  }
  close() {}
}
export const SCARD_SHARE_SHARED = 2;
export const SCARD_PROTOCOL_T0 = 1;
export const SCARD_PROTOCOL_T1 = 2;
export const SCARD_LEAVE_CARD = 0;
