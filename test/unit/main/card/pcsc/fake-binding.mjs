// A stand-in for the smartcard binding with one reader holding a card, for tests of the PC/SC
// backend without pcscd. The card echoes a command's data with 90 00; INS EE ends the worker thread
// mid-command (as a native crash would), INS DD never answers; VERIFY, CHANGE REFERENCE DATA 81
// and RESET RETRY COUNTER follow PIV (passcode 123456, PUK 12345678), and a reset to the passcode
// "crash!" ends the worker thread, to "hang!" never answers. INS 4C answers how many times the
// context the card was connected through has listed its readers.
const PRESENT = (1 << 16) | 0x20;
const ATR = Uint8Array.of(0x3b, 0x00);
export const READER = 'Fake Reader 00 00';

const padded = (text) => Buffer.concat([Buffer.from(text), Buffer.alloc(8 - text.length, 0xff)]);
const sw = (value) => Buffer.of(value >> 8, value & 0xff);

class Card {
  constructor(context) {
    this.context = context;
  }
  atr = ATR;
  pin = padded('123456');
  puk = padded('12345678');
  tries = 3;

  transmit(command) {
    return new Promise((resolve) => {
      const answer = (response) => setImmediate(() => resolve(response));
      const data = command.subarray(5);
      switch (command[1]) {
        case 0xee:
          return setImmediate(() => process.exit(4));
        case 0xdd:
          return undefined;
        case 0x4c:
          return answer(Buffer.concat([Buffer.of(this.context.lists), sw(0x9000)]));
        case 0x20:
          if (command.length === 4) return answer(sw(0x63c0 + this.tries));
          if (!data.equals(this.pin)) return answer(sw(0x63c0 + --this.tries));
          this.tries = 3;
          return answer(sw(0x9000));
        case 0x24:
          if (!data.subarray(0, 8).equals(this.puk)) return answer(sw(0x63c2));
          this.puk = Buffer.from(data.subarray(8));
          return answer(sw(0x9000));
        case 0x2c:
          if (data.subarray(8).equals(padded('crash!'))) return setImmediate(() => process.exit(4));
          if (data.subarray(8).equals(padded('hang!'))) return undefined;
          if (!data.subarray(0, 8).equals(this.puk)) return answer(sw(0x63c2));
          this.pin = Buffer.from(data.subarray(8));
          this.tries = 3;
          return answer(sw(0x9000));
        default:
          return answer(Buffer.concat([data, sw(0x9000)]));
      }
    });
  }
  disconnect() {}
}

export class Context {
  lists = 0;
  listReaders() {
    this.lists += 1;
    return [{ name: READER, state: PRESENT, atr: ATR, connect: async () => new Card(this) }];
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
