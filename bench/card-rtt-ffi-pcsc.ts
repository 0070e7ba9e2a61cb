/**
 * bench/card-rtt's FFI prototype (ADR 0015): the four PC/SC calls the transmit path needs, bound
 * with koffi straight to libpcsclite, called synchronously on the caller's thread. A measurement
 * aid, not product code: no error classification, no recovery, Linux (pcsc-lite) types only.
 *
 * pcsc-lite on 64-bit Linux declares LONG, DWORD, SCARDCONTEXT and SCARDHANDLE as C `long` or
 * `unsigned long`, so 8 bytes each; SCARD_IO_REQUEST is two DWORDs (16 bytes). Windows' winscard.dll
 * has 4-byte DWORD and LONG (LLP64), pointer-sized handles, __stdcall on 32-bit, and
 * SCardConnectA/W instead of one SCardConnect; macOS's PCSC.framework uses 4-byte (uint32_t) DWORD
 * and LONG. Those would be separate declarations, chosen by platform.
 */

const SCARD_SCOPE_SYSTEM = 2;
const SCARD_SHARE_SHARED = 2;
const SCARD_PROTOCOL_T0 = 1;
const SCARD_PROTOCOL_T1 = 2;
const SCARD_LEAVE_CARD = 0;
const SCARD_S_SUCCESS = 0;
/** The largest short response: 256 bytes of data and the status word. */
const MAX_RESPONSE = 258;

/** An open card: one synchronous transmit at a time, responses written into the caller's buffer. */
export interface FfiCard {
  /** Sends `command`, writes the response into `response` and returns its length. */
  transmit(command: Uint8Array, response: Uint8Array): number;
  /** Disconnects leaving the card as it is, and releases the context. */
  close(): void;
}

/** What loading koffi, the library and the declarations cost, in milliseconds. */
export interface FfiLoadTimes {
  readonly koffiImportMs: number;
  readonly bindMs: number;
}

/** Loads koffi, binds libpcsclite and opens `reader` shared (T=0 or T=1, as the C client does). */
export async function openFfiCard(reader: string): Promise<[FfiCard, FfiLoadTimes]> {
  const importing = performance.now();
  const { default: koffi } = await import('koffi');
  const koffiImportMs = performance.now() - importing;
  const start = performance.now();
  const lib = koffi.load('libpcsclite.so.1');
  const ioRequest = koffi.struct('SCARD_IO_REQUEST', {
    dwProtocol: 'unsigned long',
    cbPciLength: 'unsigned long',
  });
  const establish = lib.func(
    'long SCardEstablishContext(unsigned long scope, void *r1, void *r2, _Out_ long *context)',
  );
  const connect = lib.func(
    'long SCardConnect(long context, const char *reader, unsigned long share, unsigned long protocols, _Out_ long *card, _Out_ unsigned long *active)',
  );
  // Raw pointers (void *) for the buffers: koffi passes a typed array's memory as is, no copy.
  const transmit = lib.func(
    'long SCardTransmit(long card, const SCARD_IO_REQUEST *send, const void *command, unsigned long commandLength, void *recv, void *response, void *responseLength)',
  );
  const disconnect = lib.func('long SCardDisconnect(long card, unsigned long disposition)');
  const release = lib.func('long SCardReleaseContext(long context)');
  const stringify = lib.func('const char *pcsc_stringify_error(long rv)');
  const bindMs = performance.now() - start;

  const check = (what: string, rv: number): void => {
    if (rv !== SCARD_S_SUCCESS) {
      throw new Error(`${what}: ${String(stringify(rv))} (0x${(rv >>> 0).toString(16)})`);
    }
  };
  const context: [number] = [0];
  check('SCardEstablishContext', establish(SCARD_SCOPE_SYSTEM, null, null, context) as number);
  const card: [number] = [0];
  const active: [number] = [0];
  check(
    'SCardConnect',
    connect(
      context[0],
      reader,
      SCARD_SHARE_SHARED,
      SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
      card,
      active,
    ) as number,
  );
  // Our own SCARD_IO_REQUEST, as g_rgSCardT0Pci/T1Pci hold: pcsc-lite reads only the protocol.
  const pci = { dwProtocol: active[0], cbPciLength: koffi.sizeof(ioRequest) };
  const responseLength = new BigUint64Array(1);

  return [
    {
      transmit: (command, response) => {
        if (response.byteLength < MAX_RESPONSE) throw new Error('response buffer too small');
        responseLength[0] = BigInt(response.byteLength);
        check(
          'SCardTransmit',
          transmit(
            card[0],
            pci,
            command,
            command.byteLength,
            null,
            response,
            responseLength,
          ) as number,
        );
        return Number(responseLength[0]);
      },
      close: () => {
        disconnect(card[0], SCARD_LEAVE_CARD);
        release(context[0]);
      },
    },
    { koffiImportMs, bindMs },
  ];
}
