import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  answerPayload,
  encodeFrame,
  FrameDecoder,
  VPCD_CONTROL,
  VpcdLink,
  type VpcdCard,
  type VpcdLinkNotice,
} from '../../../../../src/main/card/virtual/vpcd-link';
import { ECHO_CARD_ATR, echoCard, INS_ECHO } from '../../../../support/echo-card';
import { startFakeVpcd, type FakeVpcd } from '../../../../support/fake-vpcd';

describe('vpcd frames', () => {
  it('prefixes the payload with its big-endian length', () => {
    expect(encodeFrame(Uint8Array.of(0x04))).toEqual(Uint8Array.of(0x00, 0x01, 0x04));
    expect(encodeFrame(new Uint8Array(0x1234)).subarray(0, 2)).toEqual(Uint8Array.of(0x12, 0x34));
  });

  it('refuses a payload longer than a frame can hold', () => {
    expect(() => encodeFrame(new Uint8Array(0x10000))).toThrow(RangeError);
  });

  it('reassembles any sequence of frames however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (payloads, cuts) => {
          const stream = Uint8Array.from(payloads.flatMap((p) => [...encodeFrame(p)]));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const decoder = new FrameDecoder();
          const frames: Uint8Array[] = [];
          let start = 0;
          for (const point of [...points, stream.length]) {
            frames.push(...decoder.push(stream.subarray(start, point)));
            start = point;
          }
          expect(frames).toEqual(payloads);
          expect(decoder.pending).toBe(0);
        },
      ),
    );
  });
});

describe('answerPayload', () => {
  it('answers get-ATR with the ATR and stays silent on power and reset', () => {
    let resets = 0;
    const card: VpcdCard = { ...echoCard(), reset: () => (resets += 1) };
    expect(answerPayload(card, Uint8Array.of(VPCD_CONTROL.getAtr))).toEqual(ECHO_CARD_ATR);
    expect(answerPayload(card, Uint8Array.of(VPCD_CONTROL.powerOn))).toBeUndefined();
    expect(answerPayload(card, Uint8Array.of(VPCD_CONTROL.powerOff))).toBeUndefined();
    expect(answerPayload(card, Uint8Array.of(VPCD_CONTROL.reset))).toBeUndefined();
    expect(resets).toBe(2);
  });

  it('passes command APDUs to the card and returns its response', () => {
    expect(answerPayload(echoCard(), Uint8Array.of(0, INS_ECHO, 0, 0, 2, 9, 8))).toEqual(
      Uint8Array.of(9, 8, 0x90, 0x00),
    );
  });

  it('answers 6F 00 when the card throws, so vpcd never waits for ever', () => {
    const broken: VpcdCard = {
      atr: ECHO_CARD_ATR,
      process: () => {
        throw new Error('bug in the card');
      },
    };
    expect(answerPayload(broken, Uint8Array.of(0, 0xb0, 0, 0))).toEqual(Uint8Array.of(0x6f, 0x00));
  });

  it('answers 67 00 to a payload too short to be a command', () => {
    expect(answerPayload(echoCard(), Uint8Array.of(0, 0xb0))).toEqual(Uint8Array.of(0x67, 0x00));
  });
});

describe('VpcdLink against a vpcd stand-in over real TCP', () => {
  let vpcd: FakeVpcd | undefined;
  let link: VpcdLink | undefined;
  afterEach(async () => {
    await link?.close();
    await vpcd?.close();
    link = undefined;
    vpcd = undefined;
  });

  /** Collects the link's notices and lets a test wait for one kind. */
  const noticeLog = (): {
    readonly notices: VpcdLinkNotice[];
    readonly onNotice: (notice: VpcdLinkNotice) => void;
    waitFor(kind: VpcdLinkNotice['kind']): Promise<void>;
  } => {
    const notices: VpcdLinkNotice[] = [];
    const waiters: (() => void)[] = [];
    return {
      notices,
      onNotice: (notice) => {
        notices.push(notice);
        for (const waiter of waiters.splice(0)) waiter();
      },
      waitFor(kind) {
        return new Promise((resolve) => {
          const check = (): void => {
            if (notices.some((n) => n.kind === kind)) resolve();
            else waiters.push(check);
          };
          check();
        });
      },
    };
  };

  it('connects on insert, answers the ATR and APDUs sent in two writes, and closes on remove', async () => {
    vpcd = await startFakeVpcd();
    const { notices, onNotice, waitFor } = noticeLog();
    link = new VpcdLink({ card: echoCard(), port: vpcd.port, onNotice });
    link.insert();
    const socket = await vpcd.nextConnection();
    vpcd.send(socket, Uint8Array.of(VPCD_CONTROL.powerOn));
    expect(await vpcd.exchange(socket, Uint8Array.of(VPCD_CONTROL.getAtr))).toEqual(ECHO_CARD_ATR);
    expect(await vpcd.exchange(socket, Uint8Array.of(0, INS_ECHO, 0, 0, 1, 0x42))).toEqual(
      Uint8Array.of(0x42, 0x90, 0x00),
    );
    await waitFor('inserted');
    expect(link.state).toBe('inserted');

    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await link.remove();
    await closed;
    expect(link.state).toBe('removed');
    expect(notices.map((n) => n.kind)).toEqual(['inserted', 'removed']);
  });

  it('waits politely for vpcd that is not listening yet, says so once, and connects when it appears', async () => {
    const probe = await startFakeVpcd();
    const port = probe.port;
    await probe.close();
    const { notices, onNotice, waitFor } = noticeLog();
    link = new VpcdLink({
      card: echoCard(),
      port,
      retryDelayMs: 20,
      maxRetryDelayMs: 40,
      onNotice,
    });
    link.insert();
    await waitFor('waiting');
    vpcd = await startFakeVpcd(port);
    await vpcd.nextConnection();
    await waitFor('inserted');
    expect(notices.filter((n) => n.kind === 'waiting')).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'waiting', reason: 'ECONNREFUSED' });
  });

  it('reconnects by itself when vpcd drops the connection (pcscd restarted)', async () => {
    vpcd = await startFakeVpcd();
    const { notices, onNotice } = noticeLog();
    link = new VpcdLink({ card: echoCard(), port: vpcd.port, retryDelayMs: 20, onNotice });
    link.insert();
    const first = await vpcd.nextConnection();
    first.destroy();
    const second = await vpcd.nextConnection();
    expect(await vpcd.exchange(second, Uint8Array.of(VPCD_CONTROL.getAtr))).toEqual(ECHO_CARD_ATR);
    expect(notices.map((n) => n.kind)).toContain('lost');
  });
});
