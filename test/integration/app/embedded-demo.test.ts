import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEMO,
  demoBanner,
  startEmbeddedDemo,
  type EmbeddedDemo,
} from '../../../scripts/embedded-demo';
import { FlowRunner } from '../../../src/main/flows/flow-runner';
import { silentLogger } from '../../../src/main/logging/logger';
import { ReaderMonitor } from '../../../src/main/reader/reader-monitor';
import { createServerClient } from '../../../src/main/server-client/server-client';
import { ConsoleClient } from '../../support/console-client';

// Issue 19 items 7 and 11: what `npm start` prints, and how often its demo card can be unlocked.

let demo: EmbeddedDemo;
let printed: string[];
beforeAll(async () => {
  printed = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    demo = await startEmbeddedDemo(mkdtempSync(join(tmpdir(), 'scu-demo-')));
  } finally {
    log.mockRestore();
  }
});
afterAll(async () => {
  await demo?.close();
});

/** The code of the newest unlock mail in the demo's outbox. */
function newestUnlockCode(): string {
  const files = readdirSync(demo.outbox)
    .filter((f) => f.includes('unlock') && f.endsWith('.json'))
    .sort();
  const { text } = JSON.parse(readFileSync(join(demo.outbox, files.at(-1)!), 'utf8')) as {
    text: string;
  };
  return /Smartcard Unlock Code: ([A-Z0-9 ]+)/.exec(text)![1]!.replace(/\s/g, '');
}

/** One whole unlock of the demo card, as the holder walks it; the view it ends on. */
async function unlockOnce(runner: FlowRunner, passcode: string): Promise<string> {
  const questions = await runner.unlockStart();
  if (!questions.ok || questions.value.kind !== 'unlock-questions') {
    return JSON.stringify(questions);
  }
  const answers = questions.value.questions.map((q) => ({
    questionId: q.id,
    answer: demo.answers.find((a) => a.question === q.text)!.answer,
  }));
  await runner.unlockAnswer(answers);
  await runner.unlockSubmitCode(newestUnlockCode());
  const done = await runner.unlockSetPasscode(passcode, passcode);
  return done.ok ? done.value.kind : done.error.code;
}

/** The app's flow runner on the demo's card and server. */
async function demoRunner(): Promise<FlowRunner> {
  return new FlowRunner({
    cards: await readers(),
    server: createServerClient({
      baseUrl: demo.serverUrl,
      timeoutMs: 30_000,
      logger: silentLogger,
    }),
    logger: silentLogger,
    passcodePolicy: 'printable-4-8',
    onView: () => undefined,
  });
}

describe('npm start: the embedded demo', () => {
  it('when the demo registers its holder, then the registration code is not printed: only unlock codes are, below the banner', async () => {
    expect(printed.filter((line) => line.includes('[outbox]'))).toEqual([]);
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    const runner = await demoRunner();
    try {
      const questions = await runner.unlockStart();
      expect(questions).toMatchObject({ ok: true, value: { kind: 'unlock-questions' } });
      const view =
        questions.ok && questions.value.kind === 'unlock-questions' ? questions.value : null;
      await runner.unlockAnswer(
        view!.questions.map((q) => ({
          questionId: q.id,
          answer: demo.answers.find((a) => a.question === q.text)!.answer,
        })),
      );
    } finally {
      log.mockRestore();
      runner.cancel();
    }
    expect(printed.filter((line) => line.includes('[outbox]'))).toEqual([
      expect.stringMatching(/^\[outbox\] unlock-code for john\.rigby@nhs\.net: [A-Z0-9]{8}$/),
    ]);
  });

  it('when the demo card is unlocked more often than a real card may be in a day, then it still unlocks, as the banner says', async () => {
    expect(DEMO.unlocksPerDay).toBeGreaterThan(3);
    const runner = await demoRunner();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      for (const passcode of ['Zq7!rT2x', 'Yp6!qS1w', 'Xo5!pR0v', 'Wn4!oQ9u']) {
        demo.backend.lock();
        expect(await unlockOnce(runner, passcode)).toBe('unlock-done');
      }
    } finally {
      log.mockRestore();
    }
    const banner = demoBanner(demo, '--configured').join('\n');
    expect(banner).toContain(`can be unlocked ${DEMO.unlocksPerDay} times in each run`);
    expect(banner).toContain('unlocked too often today');
    expect(banner).toContain('npm start again');
  });

  it('when the demo runs, then its banner names the service desk console and its demo sign-ins, which work', async () => {
    const banner = demoBanner(demo, '--configured').join('\n');
    expect(banner).toContain(`Service desk:  ${demo.consoleUrl}`);
    for (const username of ['desk.operator', 'ra.manager', 'no.role']) {
      expect(banner).toContain(username);
    }
    const origin = new URL(demo.consoleUrl).origin;
    const home = await new ConsoleClient().signIn(origin, 'ra.manager');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Alex Morgan (RA manager)');
  });
});

/** The demo card's reader, as the app's reader monitor opens it. */
async function readers(): Promise<ReaderMonitor> {
  const monitor = new ReaderMonitor(demo.backend, {
    configured: null,
    mock: true,
    logger: silentLogger,
    onStatus: () => undefined,
    onCardRemoved: () => undefined,
  });
  await monitor.start();
  return monitor;
}
