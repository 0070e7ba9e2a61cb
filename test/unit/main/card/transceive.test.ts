import { describe, expect, it } from 'vitest';
import {
  command,
  encodeResponse,
  parseCommand,
  type CommandApdu,
} from '../../../../src/main/card/apdu';
import { hex } from '../../../../src/main/card/bytes';
import { transceive } from '../../../../src/main/card/transceive';
import type { CardChannel, CardResult } from '../../../../src/main/card/types';
import { err, ok } from '../../../../src/shared/result';

/** A channel that answers from a script and records the commands it received. */
function scriptedChannel(answers: readonly (Uint8Array | CardResult<Uint8Array>)[]) {
  const sent: CommandApdu[] = [];
  let next = 0;
  const channel: CardChannel = {
    atr: hex('3b00'),
    transmit(bytes) {
      const parsed = parseCommand(bytes);
      if (!parsed.ok) throw new Error('the client sent a malformed command');
      sent.push(parsed.value);
      const answer = answers[next++];
      if (answer === undefined) throw new Error('the script ran out of answers');
      return Promise.resolve(answer instanceof Uint8Array ? ok(answer) : answer);
    },
    close: () => Promise.resolve(),
  };
  return { channel, sent };
}

describe('transceive', () => {
  it('when the card answers 61 xx, then it collects every chunk with GET RESPONSE', async () => {
    const { channel, sent } = scriptedChannel([
      encodeResponse(new Uint8Array(256).fill(1), 0x6100),
      encodeResponse(new Uint8Array(256).fill(2), 0x6110),
      encodeResponse(new Uint8Array(16).fill(3), 0x9000),
    ]);
    const result = await transceive(channel, command(0, 0xcb, 0x3f, 0xff, hex('5c035fc105'), 256));
    expect(result.ok && result.value.data.length).toBe(528);
    expect(result.ok && result.value.sw).toBe(0x9000);
    expect(sent.slice(1).map((c) => [c.ins, c.le])).toEqual([
      [0xc0, 256],
      [0xc0, 0x10],
    ]);
  });

  it('when the card answers 6C xx, then it resends the same command once with Le = xx', async () => {
    const { channel, sent } = scriptedChannel([
      encodeResponse(new Uint8Array(0), 0x6c03),
      encodeResponse(hex('050102'), 0x9000),
    ]);
    const result = await transceive(channel, command(0, 0xfd, 0, 0, undefined, 256));
    expect(result).toEqual({ ok: true, value: { data: hex('050102'), sw: 0x9000 } });
    expect(sent.map((c) => [c.ins, c.le])).toEqual([
      [0xfd, 256],
      [0xfd, 3],
    ]);
  });

  it('when the data is longer than 255 bytes, then it is sent as a chain with CLA 10', async () => {
    const { channel, sent } = scriptedChannel([
      encodeResponse(new Uint8Array(0), 0x9000),
      encodeResponse(hex('aa'), 0x9000),
    ]);
    const result = await transceive(
      channel,
      command(0, 0xdb, 0x3f, 0xff, new Uint8Array(300), 256),
    );
    expect(result.ok && result.value.data).toEqual(hex('aa'));
    expect(sent.map((c) => [c.cla, c.data.length])).toEqual([
      [0x10, 255],
      [0x00, 45],
    ]);
  });

  it('when the card refuses a link of the chain, then it stops and returns that status', async () => {
    const { channel, sent } = scriptedChannel([encodeResponse(new Uint8Array(0), 0x6a80)]);
    const result = await transceive(channel, command(0, 0xdb, 0x3f, 0xff, new Uint8Array(600)));
    expect(result.ok && result.value.sw).toBe(0x6a80);
    expect(sent).toHaveLength(1);
  });

  it('when the channel fails, then its CardError comes back unchanged', async () => {
    const { channel } = scriptedChannel([err({ code: 'card-removed' })]);
    const result = await transceive(channel, command(0, 0xa4, 4, 0));
    expect(result).toEqual({ ok: false, error: { code: 'card-removed' } });
  });

  it('when the channel throws, then the exception becomes an io error', async () => {
    const channel: CardChannel = {
      atr: new Uint8Array(0),
      transmit: () => Promise.reject(new Error('boom')),
      close: () => Promise.resolve(),
    };
    const result = await transceive(channel, command(0, 0xa4, 4, 0));
    expect(result.ok ? 'ok' : result.error.code).toBe('io');
  });

  it('when the card answers a single byte, then it is malformed', async () => {
    const { channel } = scriptedChannel([hex('90')]);
    const result = await transceive(channel, command(0, 0xa4, 4, 0));
    expect(result.ok ? 'ok' : result.error.code).toBe('malformed');
  });

  it('when the card never stops answering 61 xx, then it gives up with malformed', async () => {
    const endless = Array.from({ length: 300 }, () => encodeResponse(hex('00'), 0x6101));
    const { channel } = scriptedChannel(endless);
    const result = await transceive(channel, command(0, 0xcb, 0x3f, 0xff, hex('5c017e'), 256));
    expect(result.ok ? 'ok' : result.error.code).toBe('malformed');
  });
});
