/**
 * The FFI prototype's lane (bench/card-rtt-ffi.ts): one SharedArrayBuffer between the caller and
 * the worker, like src/main/card/pcsc/transmit-lane.ts, but the worker blocks in Atomics.wait (it
 * does nothing else) and calls SCardTransmit through koffi itself, with no libuv hop.
 *
 * Layout: int32 state, int32 length, then the command bytes at COMMAND and the response bytes (or a
 * failure message in UTF-8) at RESPONSE.
 */

/** The lane's state word: whose turn it is. */
export const LaneState = { idle: 0, request: 1, response: 2, failed: 3, quit: 4 } as const;
/** Index of the state word in the header. */
export const STATE = 0;
/** Index of the byte length (of the command, the response or the failure) in the header. */
export const LENGTH = 1;
const HEADER_BYTES = 16;
/** Room for an extended command APDU. */
export const COMMAND_BYTES = 65_544;
/** Room for the largest extended response. */
export const RESPONSE_BYTES = 65_538;

/** The lane's three views over one SharedArrayBuffer. */
export interface LaneViews {
  readonly header: Int32Array;
  readonly command: Uint8Array;
  readonly response: Uint8Array;
}

/** A new lane's memory. */
export function createFfiLane(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + COMMAND_BYTES + RESPONSE_BYTES);
}

/** The views both ends use over `buffer`. */
export function laneViews(buffer: SharedArrayBuffer): LaneViews {
  return {
    header: new Int32Array(buffer, 0, 4),
    command: new Uint8Array(buffer, HEADER_BYTES, COMMAND_BYTES),
    response: new Uint8Array(buffer, HEADER_BYTES + COMMAND_BYTES, RESPONSE_BYTES),
  };
}
