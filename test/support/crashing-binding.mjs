// A stand-in for the smartcard binding whose thread dies shortly after it starts watching readers,
// as a native crash in the worker would: for the test of what the caller sees when the worker is gone.
export class Context {
  listReaders() {
    return [];
  }
  waitForChange() {
    return new Promise(() => setTimeout(() => process.exit(3), 50));
  }
  cancel() {}
  close() {}
}
export const SCARD_SHARE_SHARED = 2;
export const SCARD_PROTOCOL_T0 = 1;
export const SCARD_PROTOCOL_T1 = 2;
export const SCARD_LEAVE_CARD = 0;
