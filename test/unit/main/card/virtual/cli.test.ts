import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVirtualCardArgs, runVirtualCard } from '../../../../../src/main/card/virtual/cli';
import { VPCD_CONTROL } from '../../../../../src/main/card/virtual/vpcd-link';
import { err, ok } from '../../../../../src/shared/result';
import { ECHO_CARD_ATR, echoCard } from '../../../../support/echo-card';
import { startFakeVpcd, type FakeVpcd } from '../../../../support/fake-vpcd';

describe('parseVirtualCardArgs', () => {
  it('takes the profile and defaults the port to 35963', () => {
    expect(parseVirtualCardArgs(['--profile', 'card.json'])).toEqual(
      ok({ profile: 'card.json', port: 35963 }),
    );
    expect(parseVirtualCardArgs(['--profile', 'card.json', '--port', '35964'])).toEqual(
      ok({ profile: 'card.json', port: 35964 }),
    );
  });

  it('explains a missing profile, a bad port and an unknown option, with the usage', () => {
    const missing = parseVirtualCardArgs([]);
    expect(missing).toMatchObject({ ok: false });
    expect(!missing.ok && missing.error).toMatch(/--profile FILE[\s\S]*Usage/);
    const port = parseVirtualCardArgs(['--profile', 'p.json', '--port', '70000']);
    expect(!port.ok && port.error).toMatch(/--port must be between 1 and 65535/);
    const word = parseVirtualCardArgs(['--profile', 'p.json', '--port', 'high']);
    expect(!word.ok && word.error).toMatch(/--port/);
    const unknown = parseVirtualCardArgs(['--profile', 'p.json', '--colour', 'red']);
    expect(!unknown.ok && unknown.error).toMatch(/colour/);
  });
});

describe('runVirtualCard', () => {
  let vpcd: FakeVpcd | undefined;
  afterEach(async () => {
    await vpcd?.close();
    vpcd = undefined;
  });

  it('stops with code 1 and the loader message when the profile is malformed', async () => {
    const errors: string[] = [];
    const code = await runVirtualCard(['--profile', 'bad.json'], {
      loadCard: () => Promise.resolve(err('pinTriesLeft: expected a number from 0 to 3')),
      input: new PassThrough(),
      print: () => undefined,
      printError: (line) => errors.push(line),
    });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/Cannot use the card profile.*pinTriesLeft/);
  });

  it('stops with code 2 on bad arguments without loading anything', async () => {
    let loaded = false;
    const code = await runVirtualCard(['--port', '1'], {
      loadCard: () => {
        loaded = true;
        return Promise.resolve(ok(echoCard()));
      },
      input: new PassThrough(),
      print: () => undefined,
      printError: () => undefined,
    });
    expect(code).toBe(2);
    expect(loaded).toBe(false);
  });

  it('inserts the card, follows remove, insert and quit on stdin, printing one line each', async () => {
    vpcd = await startFakeVpcd();
    const input = new PassThrough();
    const lines: string[] = [];
    const printed = (pattern: RegExp, count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (lines.filter((l) => pattern.test(l)).length >= count) resolve();
          else setImmediate(check);
        };
        check();
      });
    const run = runVirtualCard(['--profile', 'card.json', '--port', String(vpcd.port)], {
      loadCard: () => Promise.resolve(ok(echoCard())),
      input,
      print: (line) => lines.push(line),
      printError: (line) => lines.push(line),
    });
    const first = await vpcd.nextConnection();
    expect(await vpcd.exchange(first, Uint8Array.of(VPCD_CONTROL.getAtr))).toEqual(ECHO_CARD_ATR);
    await printed(/^Card inserted/, 1);

    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    input.write('remove\n');
    await firstClosed;
    await printed(/^Card removed/, 1);

    input.write('insert\n');
    const second = await vpcd.nextConnection();
    await printed(/^Card inserted/, 2);
    input.write('dance\n');
    await printed(/Unknown command "dance"/, 1);

    const secondClosed = new Promise<void>((resolve) => second.once('close', () => resolve()));
    input.write('quit\n');
    expect(await run).toBe(0);
    await secondClosed;
    expect(lines.filter((l) => /^Card (inserted|removed)/.test(l))).toHaveLength(4);
  });
});
