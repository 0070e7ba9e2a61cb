import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowRunner } from '../../../src/main/flows/flow-runner';
import { createMemoryLogger } from '../../../src/main/logging/logger';
import { ReaderMonitor } from '../../../src/main/reader/reader-monitor';
import { createServerClient } from '../../../src/main/server-client/server-client';
import { DEMO, startEmbeddedDemo, type EmbeddedDemo } from '../../../scripts/embedded-demo';

/** The unlock flow against the real server (SQLite, outbox mail) and card-core's virtual card. */
let demo: EmbeddedDemo;
beforeAll(async () => {
  demo = await startEmbeddedDemo(mkdtempSync(join(tmpdir(), 'demo-')));
});
afterAll(async () => {
  await demo?.close();
});

/** The app's flow runner on the demo's reader and server, as the app wires them. */
async function runnerOnDemo() {
  const { logger, records } = createMemoryLogger();
  const server = createServerClient({ baseUrl: demo.serverUrl, timeoutMs: 30_000, logger });
  let runner: FlowRunner | null = null;
  const readers = new ReaderMonitor(demo.backend, {
    configured: null,
    mock: true,
    logger,
    onStatus: () => undefined,
    onCardRemoved: () => runner?.cardRemoved(),
  });
  await readers.start();
  runner = new FlowRunner({
    cards: readers,
    server,
    logger,
    passcodePolicy: 'printable-4-8',
    onView: () => undefined,
  });
  return { records, readers, runner };
}

function newestCode(): string {
  const files = readdirSync(demo.outbox)
    .filter((f) => f.includes('unlock') && f.endsWith('.json'))
    .sort();
  const text = (
    JSON.parse(readFileSync(join(demo.outbox, files.at(-1)!), 'utf8')) as { text: string }
  ).text;
  return /Smartcard Unlock Code: ([A-Z0-9 ]+)/.exec(text)![1]!.replace(/\s/g, '');
}

describe('unlock against the real server and the virtual card', () => {
  it('unlocks the locked demo card, rotates its PUK, and logs nothing secret', async () => {
    const { records, readers, runner } = await runnerOnDemo();

    const questions = await runner.unlockStart();
    expect(questions).toMatchObject({
      ok: true,
      value: { kind: 'unlock-questions', holderName: DEMO.holderName },
    });
    const ids =
      questions.ok && questions.value.kind === 'unlock-questions' ? questions.value.questions : [];
    const answers = ids.map((q) => ({
      questionId: q.id,
      answer: demo.answers.find((a) => a.question === q.text)!.answer,
    }));
    expect(await runner.unlockAnswer(answers)).toMatchObject({
      ok: true,
      value: { kind: 'unlock-code' },
    });
    const code = newestCode();
    expect(await runner.unlockSubmitCode(code)).toMatchObject({
      value: { kind: 'unlock-new-passcode' },
    });
    const newPasscode = 'Zq7!rT2x';
    expect(await runner.unlockSetPasscode(newPasscode, newPasscode)).toMatchObject({
      value: { kind: 'unlock-done', holderName: DEMO.holderName },
    });
    readers.stop();

    const card = JSON.parse(readFileSync(demo.cardProfile, 'utf8')) as {
      pin: string;
      puk: string;
      pinTriesLeft: number;
    };
    expect(card).toMatchObject({ pin: newPasscode, pinTriesLeft: 3 });
    expect(card.puk).not.toBe(DEMO.puk);

    const logs = JSON.stringify(records);
    for (const secret of [newPasscode, DEMO.puk, card.puk, code, ...answers.map((a) => a.answer)]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('a card taken out mid-unlock, against the real server and the virtual card', () => {
  it('when the same card comes back after the code was accepted, then Continue resumes the same attempt and the unlock completes on it', async () => {
    const { readers, runner } = await runnerOnDemo();
    demo.backend.lock();
    const questions = await runner.unlockStart();
    const asked =
      questions.ok && questions.value.kind === 'unlock-questions' ? questions.value.questions : [];
    await runner.unlockAnswer(
      asked.map((q) => ({
        questionId: q.id,
        answer: demo.answers.find((a) => a.question === q.text)!.answer,
      })),
    );
    expect(await runner.unlockSubmitCode(newestCode())).toMatchObject({
      value: { kind: 'unlock-new-passcode' },
    });
    demo.backend.remove();
    await readers.refresh();
    expect(runner.view()).toEqual({ kind: 'reinsert-card' });
    demo.backend.insert();
    await readers.refresh();
    expect(await runner.resume()).toMatchObject({ value: { kind: 'unlock-new-passcode' } });
    const newPasscode = 'Rs3!mP8k';
    expect(await runner.unlockSetPasscode(newPasscode, newPasscode)).toMatchObject({
      value: { kind: 'unlock-done', holderName: DEMO.holderName },
    });
    readers.stop();
    const card = JSON.parse(readFileSync(demo.cardProfile, 'utf8')) as { pin: string };
    expect(card.pin).toBe(newPasscode);
  });
});
