/*
 * bench/card-rtt's baseline: the same APDU round trip straight on libpcsclite, no Node, no worker.
 * Usage: card-rtt-client READER HEXAPDU
 * Connects shared to READER and selects the PIV application, then serves rounds: for each count N
 * read on standard input (one per line), sends HEXAPDU N times and prints the N round trips in
 * microseconds on one line, separated by spaces. Ends at the end of its input. Staying connected
 * between rounds lets the benchmark interleave short rounds of each side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <winscard.h>

static const BYTE SELECT_PIV[] = {0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00,
                                  0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00};

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int fail(const char *what, LONG rv) {
  fprintf(stderr, "%s: %s\n", what, pcsc_stringify_error(rv));
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s READER HEXAPDU\n", argv[0]);
    return 2;
  }
  const char *reader = argv[1];
  const char *hex = argv[2];
  BYTE apdu[261];
  DWORD apdu_len = (DWORD)(strlen(hex) / 2);
  if (apdu_len == 0 || apdu_len > sizeof apdu) {
    fprintf(stderr, "bad APDU\n");
    return 2;
  }
  for (DWORD i = 0; i < apdu_len; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
      fprintf(stderr, "bad APDU\n");
      return 2;
    }
    apdu[i] = (BYTE)byte;
  }

  SCARDCONTEXT context;
  SCARDHANDLE card;
  DWORD protocol;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (rv != SCARD_S_SUCCESS) return fail("SCardEstablishContext", rv);
  rv = SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                    &card, &protocol);
  if (rv != SCARD_S_SUCCESS) return fail("SCardConnect", rv);
  const SCARD_IO_REQUEST *pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;

  BYTE response[258];
  DWORD response_len = sizeof response;
  rv = SCardTransmit(card, pci, SELECT_PIV, sizeof SELECT_PIV, NULL, response, &response_len);
  if (rv != SCARD_S_SUCCESS) return fail("SCardTransmit (SELECT)", rv);

  int count;
  while (scanf("%d", &count) == 1) {
    for (int i = 0; i < count; i++) {
      response_len = sizeof response;
      double start = now_us();
      rv = SCardTransmit(card, pci, apdu, apdu_len, NULL, response, &response_len);
      double elapsed = now_us() - start;
      if (rv != SCARD_S_SUCCESS) return fail("SCardTransmit", rv);
      printf(i + 1 < count ? "%.1f " : "%.1f", elapsed);
    }
    printf("\n");
    fflush(stdout);
  }

  SCardDisconnect(card, SCARD_LEAVE_CARD);
  SCardReleaseContext(context);
  return 0;
}
