import { spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppServices, type AppRuntime } from '../src/main/app-services';
import { createPcscBackend } from '../src/main/card/pcsc/pcsc-backend';
import type { CardChannel, ReaderBackend } from '../src/main/card/types';
import { openVirtualCardFile } from '../src/main/card/virtual/virtual-piv-card';
import { dispatchInvoke } from '../src/main/ipc/dispatch';
import { silentLogger } from '../src/main/logging/logger';
import { loadSettings } from '../src/main/settings/load-settings';
import type { FlowView } from '../src/shared/ipc-contract';
import { ok } from '../src/shared/result';
import { VIRTUAL_CARD_CLI } from '../test/support/card-stack';
import { lockWithWrongPasscodes } from '../test/support/e2e-pcsc-check';
import { pcscStackMissing, startPcscd } from '../test/support/pcscd';
import { CARD_LINES, spawnVirtualCard } from '../test/support/virtual-card-process';
import { lineChild } from './line-child';

/**
 * bench/unlock: a whole unlock through the app's services (real PC/SC backend, virtual card over
 * pcscd), the real server on SQLite and real SMTP, step by step, against the sum of its
 * irreducible costs measured in the same rounds (docs/benchmarks.md).
 */

const BINDING_ENTRY = join(import.meta.dirname, 'unlock-binding.ts');
const SERVER_ENTRY = join(import.meta.dirname, 'unlock-server.ts');
const TARGET_RATIO = 2;
const WARMUP = 1;
/** `--rounds=N`; the server's PUK release cap (at most 20 a day) bounds it. */
const ROUNDS = Math.max(
  1,
  Math.min(18, Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9)) || 5),
);
const PASSCODE = '246810';
const PUK = '13572468';
const ANSWERS = [
  { match: /first car/i, answer: 'Ford Escort' },
  { match: /phone number/i, answer: '0121 496 0000' },
] as const;

/** The unlock's steps as the screens call them, each one IPC invoke. */
const STEPS = ['start+proof', 'answers', 'code send', 'code check', 'unblock+outcome'] as const;
type StepName = (typeof STEPS)[number];

/** What one step cost and carried: ms, and the requests and APDUs it made. */
interface StepSample {
  /** Until the app sent the renderer the screen the step ends on (what the holder waits for). */
  readonly ms: number;
  /** Until the invoke returned: the card's release after the screen is sent is in this one. */
  readonly returnedMs: number;
  /** Of which inside the server's request handling. */
  readonly serverMs: number;
  /** The requests the app sent before the screen (the outcome report goes after it). */
  readonly requests: number;
  readonly apdus: readonly string[];
  /** The card connections the step opened, and their time (in `ms`, not in the irreducible). */
  readonly connects: number;
  readonly connectMs: number;
  /** The mails the relay received during the step, [from, to) in its count. */
  readonly mails: readonly [number, number];
}

/** One round: the unlock's steps, and the irreducible costs replayed in the same round (ms). */
interface Round {
  readonly steps: Readonly<Record<StepName, StepSample>>;
  readonly argon2: number;
  readonly verifications: number;
  readonly apdus: Readonly<Record<StepName, number>>;
  readonly http: Readonly<Record<StepName, number>>;
  /** The same mails handed to the same relay by a bare SMTP client on an open connection. */
  readonly smtp: Readonly<Record<StepName, number>>;
  /** How many code mails each step handed to the relay. */
  readonly codeMails: Readonly<Record<StepName, number>>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 0 ? (s[mid - 1]! + s[mid]!) / 2 : s[mid]!;
};
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** bench/unlock-server.ts, in a process of its own as the server runs on a machine of its own. */
async function startServerProcess() {
  const child = lineChild(SERVER_ENTRY);
  const { url } = JSON.parse(await child.read()) as { url: string };
  const ask = child.askJson;
  return {
    url,
    ask,
    /** Requests so far, their time inside the server (ms), and mails the relay received. */
    counters: async () =>
      (await ask({ op: 'counters' })) as { requests: number; serverMs: number; mails: number },
    /** The code in the next code mail after the relay's first `after` mails. */
    codeAfter: async (after: number) =>
      ((await ask({ op: 'code', after })) as { code: string }).code,
    stop: () => child.stop(),
  };
}

/** A bare node:http server answering `{}`, and a keep-alive client timing N sequential POSTs. */
async function bareHttp() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const agent = new Agent({ keepAlive: true });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.setHeader('content-type', 'application/json');
      req.end('{}');
    });
  return {
    time: async (count: number): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < count; i += 1) await once();
      return performance.now() - start;
    },
    close: () => {
      agent.destroy();
      server.close();
    },
  };
}

/** What the app's card layer did in a step: the APDUs it sent, and its connects (count, ms). */
interface CardLog {
  readonly sent: Uint8Array[];
  connects: number;
  connectMs: number;
  /**
   * While set, channels hide `runPiv`, so the card layer sends each APDU from this thread, where
   * they are recorded; otherwise whole operations run in the worker, as in the app.
   */
  capture: boolean;
}

/** The backend, its channels' APDUs (while capturing) and its connects' times recorded. */
function recording(backend: ReaderBackend, log: CardLog): ReaderBackend {
  return {
    listReaders: () => backend.listReaders(),
    onEvent: (listener) => backend.onEvent(listener),
    close: () => backend.close(),
    connect: async (reader) => {
      const start = performance.now();
      const opened = await backend.connect(reader);
      log.connects += 1;
      log.connectMs += performance.now() - start;
      if (!opened.ok) return opened;
      const channel = opened.value;
      const wrapped: CardChannel = {
        atr: channel.atr,
        transmit: (command) => {
          log.sent.push(command.slice());
          return channel.transmit(command);
        },
        close: () => channel.close(),
        ...(log.capture || channel.runPiv === undefined ? {} : { runPiv: channel.runPiv }),
      };
      return ok(wrapped);
    },
  };
}

/** Sends one invoke as the transports do, and checks the view it ends on. */
async function invoke(
  runtime: AppRuntime,
  channel: string,
  request: unknown,
  want: FlowView['kind'],
): Promise<FlowView> {
  const result = await dispatchInvoke(runtime.handlers, channel, request);
  const view = result.ok ? (result.value as FlowView) : undefined;
  if (view?.kind !== want) {
    throw new Error(`${channel} ended on ${JSON.stringify(result)}, not ${want}`);
  }
  return view;
}

/** The catalogue's questions matched to the known answers. */
function answersFor(view: FlowView): { questionId: string; answer: string }[] {
  const questions =
    'catalogue' in view ? view.catalogue : 'questions' in view ? view.questions : undefined;
  if (questions === undefined) throw new Error(`no questions in ${view.kind}`);
  const list = questions as readonly { id: string; text: string }[];
  return ANSWERS.flatMap(({ match, answer }) => {
    const question = list.find((q) => match.test(q.text));
    return question === undefined ? [] : [{ questionId: question.id, answer }];
  });
}

/** Why the benchmark cannot run here, or undefined. */
function stackMissing(): string | undefined {
  const pcsc = pcscStackMissing();
  const opensc = spawnSync('sh', ['-c', 'command -v opensc-tool'], { stdio: 'ignore' }).status;
  const missing = [
    ...(pcsc === undefined ? [] : [pcsc.replace(/^missing /, '')]),
    ...(opensc === 0 ? [] : ['opensc-tool (Debian package opensc)']),
  ];
  return missing.length === 0 ? undefined : `missing ${missing.join(', ')}`;
}

/** Runs the benchmark and prints the unlock against its irreducible costs, step by step. */
export async function benchUnlock(): Promise<void> {
  const missing = stackMissing();
  if (missing !== undefined) {
    if (process.env.CI !== undefined && process.env.CI !== '') {
      throw new Error(`bench/unlock cannot run in CI: ${missing}`);
    }
    console.log(
      `bench/unlock skipped: ${missing}. Install with: apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev gcc opensc (and run as root).`,
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-unlock-'));
  const cleanups: (() => unknown)[] = [];
  try {
    const pcscd = await startPcscd();
    cleanups.push(() => pcscd.dispose());
    Object.assign(process.env, pcscd.env);
    const server = await startServerProcess();
    cleanups.push(() => server.stop());

    // The card, enrolled with an email and a mobile so the holder chooses the channel (own step).
    const guid = '0b0e0c0a'.padEnd(32, '0');
    const profile = join(dir, 'card.json');
    writeFileSync(
      profile,
      JSON.stringify({
        guid,
        holderName: 'Dr Bench Holder',
        pin: PASSCODE,
        puk: PUK,
        pinTriesLeft: 3,
        pukTriesLeft: 3,
      }),
    );
    const opened = openVirtualCardFile(profile);
    if (!opened.ok) throw new Error(`bench card: ${opened.error.message}`);
    const chip = JSON.parse(readFileSync(profile, 'utf8')) as {
      certificates: Record<'9A' | '9E', string>;
    };
    await server.ask({
      op: 'enrol',
      card: {
        cardId: guid,
        holderName: 'Dr Bench Holder',
        email: 'bench.holder@nhs.test',
        mobile: '+447700900321',
        pivAuthentication: chip.certificates['9A'],
        cardAuthentication: chip.certificates['9E'],
        puk: PUK,
      },
    });
    // Its twin in the second reader takes the binding-alone replay of the same APDUs.
    const twinProfile = join(dir, 'twin.json');
    copyFileSync(profile, twinProfile);
    const cards = [
      spawnVirtualCard(VIRTUAL_CARD_CLI, ['--profile', profile, '--port', String(pcscd.ports[0])]),
      spawnVirtualCard(VIRTUAL_CARD_CLI, [
        '--profile',
        twinProfile,
        '--port',
        String(pcscd.ports[1]),
      ]),
    ];
    cleanups.push(() => Promise.all(cards.map((c) => c.stop())));
    for (const c of cards) await c.waitForLine(CARD_LINES.inserted);

    const card: CardLog = { sent: [], connects: 0, connectMs: 0, capture: true };
    // The app's requests to the server, counted as they start (the bench sends none meanwhile).
    let appRequests = 0;
    const countRequest = () => (appRequests += 1);
    subscribe('http.client.request.start', countRequest);
    cleanups.push(() => unsubscribe('http.client.request.start', countRequest));
    const runtime = await createAppServices({
      settings: loadSettings({
        machineFile: join(dir, 'no-machine-settings.json'),
        userFile: join(dir, 'no-user-settings.json'),
        env: {},
        argv: [`--server-url=${server.url}`, `--reader-name=${pcscd.readerNames[0]}`],
      }),
      version: 'bench',
      logger: silentLogger,
      openReaders: async () => {
        const pcsc = await createPcscBackend({ retryMs: 100 });
        if (!pcsc.ok) throw new Error(`PC/SC: ${pcsc.error.message}`);
        return ok({ backend: recording(pcsc.value, card), mock: null });
      },
    });
    cleanups.push(() => runtime.close());
    if (runtime.startupError !== null) {
      throw new Error(`app settings: ${JSON.stringify(runtime.startupError)}`);
    }
    await waitForCard(runtime);

    // Registration through the same flows: setup, not measured.
    const questions = await invoke(
      runtime,
      'register:start',
      { passcode: PASSCODE },
      'register-questions',
    );
    const answers = answersFor(questions);
    let mails = (await server.counters()).mails;
    await invoke(runtime, 'register:answer', { answers }, 'register-code');
    const registered = await server.codeAfter(mails);
    await invoke(runtime, 'register:submit-code', { code: registered }, 'register-done');
    await dispatchInvoke(runtime.handlers, 'flow:cancel', {});

    await server.ask({ op: 'hash', answers: answers.map((a) => a.answer) });
    const binding = lineChild(BINDING_ENTRY, [pcscd.readerNames[1]]);
    cleanups.push(() => binding.stop());
    const http = await bareHttp();
    cleanups.push(() => http.close());

    /** The irreducible costs of an unlock whose steps were `samples`, in ms. */
    const irreducible = async (samples: Readonly<Record<StepName, StepSample>>) => {
      // The server's verifications, as it runs them: all at once, in its process.
      const hashed = (await server.ask({ op: 'argon2' })) as { ms: number; verifications: number };
      const apdus = {} as Record<StepName, number>;
      const httpMs = {} as Record<StepName, number>;
      const smtpMs = {} as Record<StepName, number>;
      const codeMails = {} as Record<StepName, number>;
      for (const name of STEPS) {
        apdus[name] = Number(await binding.ask(samples[name].apdus.join(' '))) / 1000;
        httpMs[name] = await http.time(samples[name].requests);
        const [from, to] = samples[name].mails;
        const relayed = (await server.ask({ op: 'relay', from, to })) as {
          ms: number;
          mails: number;
        };
        smtpMs[name] = relayed.ms;
        codeMails[name] = relayed.mails;
      }
      const { ms: argon2, verifications } = hashed;
      return { argon2, verifications, apdus, http: httpMs, smtp: smtpMs, codeMails };
    };

    const rounds: Round[] = [];
    let previous: Record<StepName, StepSample> | undefined;
    // Each step's APDUs, captured in the warm-up: the timed rounds send the same from the worker.
    const captured = {} as Record<StepName, string[]>;
    for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
      card.capture = round < WARMUP;
      // Every other round the baseline goes first, replaying the round before's APDUs and requests.
      const before = round % 2 === 1 && previous !== undefined ? await irreducible(previous) : null;
      const words = await lockWithWrongPasscodes(pcscd.env, 0);
      if (!['6983', '63C0'].includes(words.at(-1)!)) {
        throw new Error(`re-locking the card: ${words.join(' ')}`);
      }
      const samples = {} as Record<StepName, StepSample>;
      const step = async (name: StepName, run: () => Promise<FlowView>) => {
        Object.assign(card, { connects: 0, connectMs: 0 }).sent.length = 0;
        const before = await server.counters();
        const shown: { kind: string; at: number; requests: number }[] = [];
        const stopWatching = runtime.events.subscribe((channel, payload) => {
          if (channel !== 'flow:view-changed') return;
          const { kind } = payload as FlowView;
          shown.push({ kind, at: performance.now(), requests: appRequests });
        });
        const fromRequest = appRequests;
        const start = performance.now();
        const view = await run();
        const returnedMs = performance.now() - start;
        stopWatching();
        const screen = shown.find((s) => s.kind === view.kind);
        if (screen === undefined) throw new Error(`${name}: the app never sent ${view.kind}`);
        const ms = screen.at - start;
        const after = await server.counters();
        if (card.capture) captured[name] = card.sent.map(hex);
        samples[name] = {
          mails: [before.mails, after.mails],
          ms,
          returnedMs,
          serverMs: after.serverMs - before.serverMs,
          requests: screen.requests - fromRequest,
          apdus: captured[name] ?? [],
          connects: card.connects,
          connectMs: card.connectMs,
        };
      };
      const newPasscode = String(8642 + round);
      await step('start+proof', () => invoke(runtime, 'unlock:start', {}, 'unlock-questions'));
      await step('answers', () => invoke(runtime, 'unlock:answer', { answers }, 'unlock-channel'));
      mails = (await server.counters()).mails;
      await step('code send', () =>
        invoke(runtime, 'unlock:send-code', { channel: 'email' }, 'unlock-code'),
      );
      const code = await server.codeAfter(mails);
      await step('code check', () =>
        invoke(runtime, 'unlock:submit-code', { code }, 'unlock-new-passcode'),
      );
      await step('unblock+outcome', () =>
        invoke(
          runtime,
          'unlock:set-passcode',
          { passcode: newPasscode, confirmation: newPasscode },
          'unlock-done',
        ),
      );
      await dispatchInvoke(runtime.handlers, 'flow:cancel', {});
      const floor = before ?? (await irreducible(samples));
      if (round >= WARMUP) rounds.push({ steps: samples, ...floor });
      previous = samples;
    }
    report(rounds);
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves once the app's reader monitor reports the card (pcscd sees it one poll late). */
async function waitForCard(runtime: AppRuntime): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await dispatchInvoke(runtime.handlers, 'reader:get-status', {});
    if (status.ok && (status.value as { state: string }).state === 'card-present') return;
    if (Date.now() > deadline)
      throw new Error(`the app never saw the card: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Medians per step and overall, the irreducible sum, and the ratio paired round by round. */
function report(rounds: readonly Round[]): void {
  const argonOf = (r: Round, s: StepName) => (s === 'answers' ? r.argon2 : 0);
  const floorOf = (r: Round, s: StepName) => argonOf(r, s) + r.apdus[s] + r.http[s] + r.smtp[s];
  const total = (r: Round) => sum(STEPS.map((s) => r.steps[s].ms));
  const returned = (r: Round) => sum(STEPS.map((s) => r.steps[s].returnedMs));
  const floor = (r: Round) => sum(STEPS.map((s) => floorOf(r, s)));
  const withoutRelay = (r: Round) => floor(r) - sum(STEPS.map((s) => r.smtp[s]));
  const cell = (xs: readonly number[]) => median(xs).toFixed(1).padStart(8);
  const ratio = median(rounds.map((r) => total(r) / floor(r)));
  const first = rounds[0]!;
  console.log(
    `bench/unlock: one whole unlock through the app's services, the server (SQLite), SMTP and pcscd + vpcd + the virtual card; medians of ${rounds.length} rounds after ${WARMUP} warm-up, ms (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(
    `  ${'step'.padEnd(16)} to screen  returned  in server  connect (n)  irreducible = argon2id +  APDUs (n) + HTTP (n) + SMTP (n)`,
  );
  for (const s of STEPS) {
    const rs = (f: (r: Round) => number) => cell(rounds.map(f));
    console.log(
      `  ${s.padEnd(16)} ${rs((r) => r.steps[s].ms)}  ${rs((r) => r.steps[s].returnedMs)} ${rs((r) => r.steps[s].serverMs)} ${rs((r) => r.steps[s].connectMs)} (${first.steps[s].connects})     ${rs((r) => floorOf(r, s))} ${rs((r) => argonOf(r, s))} ${rs((r) => r.apdus[s])} (${first.steps[s].apdus.length}) ${rs((r) => r.http[s])} (${first.steps[s].requests}) ${rs((r) => r.smtp[s])} (${first.codeMails[s]})`,
    );
  }
  console.log(
    `  ${'whole unlock'.padEnd(16)} ${cell(rounds.map(total))}  ${cell(rounds.map(returned))} ${cell(rounds.map((r) => sum(STEPS.map((s) => r.steps[s].serverMs))))} ${cell(rounds.map((r) => sum(STEPS.map((s) => r.steps[s].connectMs))))}         ${cell(rounds.map(floor))}   (argon2id: ${first.verifications} verifications at once, as the server runs them)`,
  );
  console.log(
    `  unlock / irreducible, paired by round: median ${ratio.toFixed(2)} (rounds ${rounds.map((r) => (total(r) / floor(r)).toFixed(2)).join(' ')}); target at most ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `  without the code's handover to the mail relay in the irreducible sum: median ${median(rounds.map((r) => total(r) / withoutRelay(r))).toFixed(2)}; until each invoke returned (the card released): median ${median(rounds.map((r) => returned(r) / floor(r))).toFixed(2)}`,
  );
}
