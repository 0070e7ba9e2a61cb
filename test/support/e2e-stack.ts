import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../server/app';
import { createServices } from '../../server/create-services';
import type { ServerCore } from '../../server/domain/ports';
import type { ServerCoreSettings } from '../../server/create-services';
import { listen, type RunningServer } from '../../server/http/server';
import { createLogger as createServerLogger } from '../../server/logging';
import { createAppServices, type AppRuntime } from '../../src/main/app-services';
import {
  rendererBuildDir,
  startBrowserBridge,
  type BrowserBridge,
} from '../../src/main/browser-bridge/bridge-server';
import { createPcscBackend } from '../../src/main/card/pcsc/pcsc-backend';
import { openVirtualCardFile } from '../../src/main/card/virtual/virtual-piv-card';
import { createLogger } from '../../src/main/logging/logger';
import { loadSettings } from '../../src/main/settings/load-settings';
import { appError } from '../../src/shared/errors';
import { err, ok } from '../../src/shared/result';
import { expireCardAuthCertificate } from './card-profile';
import { ECHO_CARD_ENTRY, VIRTUAL_CARD_CLI } from './card-stack';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';
import type { ConsoleSignIn } from './console-browser';
import { startConsoleProvider, startOperatorConsole } from './e2e-console';
import { startPcscd, type Pcscd } from './pcscd';
import { startPostgres, type PostgresServer } from './postgres';
import { codeInMail, startSmtpServer, type ReceivedMail, type TestSmtpServer } from './smtp';
import { devServerSettings, localDeliverySettings, startLocalNotify } from './local-relays';
import type { NotifyNotification, TestNotifyServer } from './notify-server';
import { CARD_LINES, spawnVirtualCard, type VirtualCardProcess } from './virtual-card-process';
import { ensureRendererBuilt as buildIfStale } from '../../scripts/renderer-build';
import { freePort } from '../../scripts/free-port';

/**
 * The whole chain for end-to-end tests, nothing faked that exists here: the server on SQLite or
 * PostgreSQL, SMTP, pcscd with virtual cards, the app's services in browser mode, and Chromium.
 */

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Where screenshots, page logs and failure traces go. */
export const E2E_OUTPUT_DIR = join(projectRoot, 'test-results', 'e2e');

/** Debian's Chromium. */
export { CHROMIUM, CHROMIUM_ARGS } from './chromium';

/** The answers every registered test card has (matched to the server's catalogue by text). */
export const KNOWN_ANSWERS = [
  { match: /first car/i, answer: 'Ford Escort' },
  { match: /phone number/i, answer: '0121 496 0000' },
] as const;

/** Which database the server runs on. */
export type E2eDatabase = 'sqlite' | 'postgres';

/** A test card: its chip file, its process in the reader, and what the test knows about it. */
export interface TestCard {
  readonly guid: string;
  readonly holderName: string;
  readonly profile: string;
  readonly passcode: string;
  readonly puk: string;
  readonly process: VirtualCardProcess;
  /** The chip's state as the card process last saved it. */
  chip(): { pin: string; puk: string; pinTriesLeft: number; pukTriesLeft: number };
}

/** A server clock the tests move forward (expired codes) without sleeping. */
export interface TestClock {
  now(): Date;
  advance(seconds: number): void;
}

/** How a stack's server checks holders: the original service unless told otherwise. */
export interface E2eStackOptions {
  /** `verification.model`; `questions-and-code` by default. */
  readonly model?: 'questions-and-code' | 'code-only';
  /** `delivery.channels`; email then text by default. */
  readonly channels?: readonly ('email' | 'sms')[];
  /** Also the service desk console on an operator listener, signed in through a local provider. */
  readonly console?: boolean;
}

/** The running chain. */
export interface E2eStack {
  readonly database: E2eDatabase;
  readonly serverUrl: string;
  readonly smtp: TestSmtpServer;
  /** The local GOV.UK Notify the server sends texts through (`delivery.channels`: email, sms). */
  readonly notify: TestNotifyServer;
  readonly pcscd: Pcscd;
  readonly clock: TestClock;
  readonly browser: Browser;
  /** Where the service desk console is, when the stack was started with `console: true`. */
  readonly console: ConsoleSignIn | undefined;
  services(): ServerCore;
  /** The server's core settings (its database, its pepper), for tests that reach its storage. */
  readonly coreSettings: ServerCoreSettings;
  /** Stops the verification server (connections refused) and starts it again on the same port. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Enrols (and optionally registers) a new card and puts it into reader 0 (or `port`). */
  newCard(options: {
    readonly register: boolean;
    readonly enrol?: boolean;
    readonly port?: number;
    /** The holder's email as imported (null: none); `holderN@nhs.test` by default. */
    readonly email?: string | null;
    /** The holder's UK mobile as imported; none by default. */
    readonly mobile?: string;
    /** Gives the card (and the import) a 9E certificate that expired yesterday. */
    readonly certificateExpired?: boolean;
  }): Promise<TestCard>;
  /** The app in browser mode on the real PC/SC backend, opened in a fresh Chromium page. */
  openApp(name: string, options?: { readonly fakeBrowserClock?: boolean }): Promise<OpenApp>;
  /** Puts the echo card (answers, but is no PIV card) into reader 0, replacing any card there. */
  insertNonPivCard(): Promise<VirtualCardProcess>;
  /** Takes every card out of the readers. */
  removeAllCards(): Promise<void>;
  /** The code in the newest mail received after `since` mails. */
  codeFromMail(since: number): Promise<{ code: string; mail: ReceivedMail }>;
  /** The code in the next text message Notify accepted after `since` of them. */
  codeFromText(since: number): Promise<{ code: string; text: NotifyNotification }>;
  dispose(): Promise<void>;
}

/** One app instance (services + bridge) and its page. */
export interface OpenApp {
  readonly page: Page;
  readonly runtime: AppRuntime;
  readonly bridge: BrowserBridge;
  /** What the app's main process and the server logged while it was open, for secret checks. */
  readonly logs: () => string;
  /** Closes the app; returns the report for a failure (page, last screen, app and server logs). */
  close(): Promise<string>;
}

/** Why the end-to-end suite cannot run here, or undefined when it can (throws under CI). */
export function e2eSkipReason(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}, Debian package chromium)`);
  if (spawnSync('sh', ['-c', 'command -v opensc-tool'], { stdio: 'ignore' }).status !== 0)
    missing.push('opensc-tool (Debian package opensc)');
  if (missing.length === 0) return undefined;
  const reason = `missing ${missing.join(', ')}`;
  if (process.env.CI) throw new Error(`End-to-end tests cannot run in CI: ${reason}.`);
  console.warn(`Skipping end-to-end tests: ${reason}.`);
  return reason;
}

/** Builds the renderer when `out/renderer` is missing or older than its sources. */
export function ensureRendererBuilt(): void {
  const failed = buildIfStale(projectRoot, { quiet: true });
  if (failed !== undefined) throw new Error(`electron-vite build failed:\n${failed}`);
}

let cardCounter = 0;

/** How long a test waits for a mail, or for pcscd to report a card (a bound, not a sleep). */
const EVENT_WAIT_MS = 30_000;

/**
 * How long a test waits for a screen: every wait is on what the page shows, and this bound only
 * says how long a loaded two-core CI machine may take to get there (30 s was hit there).
 */
export const SCREEN_WAIT_MS = 60_000;

/** `promise`, or a rejection with `why()` once the bound passes. */
async function withinBound<T>(promise: Promise<T>, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${why()}, within ${EVENT_WAIT_MS / 1000} s`)),
      EVENT_WAIT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the chain; `dispose` stops all of it. */
export async function startE2eStack(
  database: E2eDatabase,
  options: E2eStackOptions = {},
): Promise<E2eStack> {
  ensureRendererBuilt();
  const dir = mkdtempSync(join(tmpdir(), `e2e-${database}-`));
  const cleanups: (() => Promise<void>)[] = [];
  const dispose = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.stop());
    const notify = await startLocalNotify();
    cleanups.push(() => notify.dispose());
    let databaseUrl: string | undefined;
    if (database === 'postgres') {
      const pg = await startPostgres();
      if (!pg.available) throw new Error(`PostgreSQL is needed: ${pg.reason}`);
      const pgServer: PostgresServer = pg.server;
      cleanups.push(() => pgServer.stop());
      databaseUrl = await pgServer.createDatabase('e2e');
    }
    const pcscd = await startPcscd();
    cleanups.push(() => pcscd.dispose());
    Object.assign(process.env, pcscd.env);

    const consoleProvider = options.console === true ? await startConsoleProvider() : undefined;
    if (consoleProvider !== undefined) cleanups.push(() => consoleProvider.provider.close());

    const port = await freePort();
    const configFile = join(dir, 'server.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        ...localDeliverySettings({
          smtpPort: smtp.port,
          notifyBaseUrl: notify.baseUrl,
          timeoutMs: 3000,
          ...(options.channels === undefined ? {} : { channels: options.channels }),
        }),
        verification: { model: options.model ?? 'questions-and-code' },
      }),
    );
    const settings = devServerSettings(dir, configFile, {
      DATA_DIR: dir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SCU_NOTIFY_API_KEY: notify.apiKey,
      ...consoleProvider?.env,
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    });
    let offsetMs = 0;
    const clock: TestClock = {
      now: () => new Date(Date.now() + offsetMs),
      advance: (seconds) => {
        offsetMs += seconds * 1000;
      },
    };
    // The server's log (HTTP and domain) kept in memory: a failed test prints what it wrote then,
    // and each app's secret checks read it too.
    const serverLog: string[] = [];
    const serverLogger = createServerLogger('debug', { write: (line) => serverLog.push(line) });
    const services = await createServices(settings.core, { now: clock.now, logger: serverLogger });
    cleanups.push(() => services.close());
    const app = createApp({ services, logger: serverLogger, http: settings.http });
    let running: RunningServer | null = await listen(app, settings);
    const serverUrl = running.url;
    cleanups.push(async () => {
      await running?.close(100);
    });
    const operator =
      consoleProvider === undefined ? undefined : await startOperatorConsole(settings, services);
    if (operator !== undefined) cleanups.push(() => operator.close(100));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    cleanups.push(() => browser.close());

    const cards: VirtualCardProcess[] = [];
    const inReader: { port: number; card: VirtualCardProcess }[] = [];
    cleanups.push(async () => {
      await Promise.all(cards.map((c) => c.stop()));
    });

    const codeFromMail = async (since: number) => {
      // Bounded, so a mail that never comes fails with this sentence, not a bare test timeout.
      const mail = await withinBound(
        smtp.nextCodeMail(since),
        () =>
          `no mail reached the test SMTP server (${smtp.received.length} received in all, waiting for mail number ${since + 1})`,
      );
      return { code: codeInMail(mail), mail };
    };

    const codeFromText = async (since: number) => {
      const text = await withinBound(
        notify.nextNotification(since),
        () =>
          `no text message reached the local Notify (${notify.notifications.length} in all, waiting for number ${since + 1})`,
      );
      const raw = text.personalisation.code;
      const code = typeof raw === 'string' ? raw.replace(/\s/g, '') : '';
      if (code === '') throw new Error(`the text message carries no code:\n${text.body}`);
      return { code, text };
    };

    const newCard: E2eStack['newCard'] = async ({
      register,
      enrol = true,
      port: readerPort,
      email,
      mobile,
      certificateExpired = false,
    }) => {
      // One card per reader: the one there is taken out first.
      const readerPortOf = readerPort ?? pcscd.ports[0];
      for (const previous of inReader.filter((p) => p.port === readerPortOf)) {
        await previous.card.stop();
        inReader.splice(inReader.indexOf(previous), 1);
      }
      cardCounter += 1;
      const guid = `${(Date.now() * 1000 + cardCounter).toString(16).padStart(32, '0')}`.slice(-32);
      const holderName = `Dr Test Holder ${cardCounter}`;
      const passcode = '246810';
      const puk = '13572468';
      const profile = join(dir, `card-${cardCounter}.json`);
      writeFileSync(
        profile,
        JSON.stringify({ guid, holderName, pin: passcode, puk, pinTriesLeft: 3, pukTriesLeft: 3 }),
        { mode: 0o600 },
      );
      const opened = openVirtualCardFile(profile);
      if (!opened.ok) throw new Error(`test card: ${opened.error.message}`);
      if (certificateExpired) expireCardAuthCertificate(profile);
      const chipFile = () =>
        JSON.parse(readFileSync(profile, 'utf8')) as {
          pin: string;
          puk: string;
          pinTriesLeft: number;
          pukTriesLeft: number;
          certificates: Record<'9A' | '9E', string>;
        };
      if (enrol) {
        const der = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
        const certificates = chipFile().certificates;
        const imported = await services.admin.importCards(
          [
            {
              cardId: guid,
              holderName,
              email: email === undefined ? `holder${cardCounter}@nhs.test` : email,
              ...(mobile === undefined ? {} : { mobile }),
              pivAuthentication: der(certificates['9A']),
              cardAuthentication: der(certificates['9E']),
              puk,
            },
          ],
          'e2e test',
        );
        if (!imported.ok) throw new Error(`enrolling the test card: ${imported.error.code}`);
      }
      const process = spawnVirtualCard(VIRTUAL_CARD_CLI, [
        '--profile',
        profile,
        '--port',
        String(readerPortOf),
      ]);
      cards.push(process);
      inReader.push({ port: readerPortOf, card: process });
      await process.waitForLine(CARD_LINES.inserted);
      const card: TestCard = { guid, holderName, profile, passcode, puk, process, chip: chipFile };
      if (register) await registerThroughFlow(serverUrl, smtp, codeFromMail);
      return card;
    };

    const removeAllCards = async (): Promise<void> => {
      for (const previous of inReader.splice(0)) await previous.card.stop();
    };

    const insertNonPivCard = async (): Promise<VirtualCardProcess> => {
      await removeAllCards();
      const echo = spawnVirtualCard(ECHO_CARD_ENTRY, [
        '--profile',
        'unused',
        '--port',
        String(pcscd.ports[0]),
      ]);
      cards.push(echo);
      inReader.push({ port: pcscd.ports[0], card: echo });
      await echo.waitForLine(CARD_LINES.inserted);
      return echo;
    };

    const openApp = async (
      name: string,
      options: { readonly fakeBrowserClock?: boolean } = {},
    ): Promise<OpenApp> => {
      // Each record with its time, to read a failure's timeline beside the server's log.
      const stamp = () => new Date().toISOString();
      const records: object[] = [];
      const logger = createLogger((r) => records.push({ time: stamp(), ...r }), 'debug');
      const serverFrom = serverLog.length;
      const appSettings = loadSettings({
        machineFile: join(dir, 'no-machine-settings.json'),
        userFile: join(dir, 'no-user-settings.json'),
        env: {},
        // The product's request timeout (20 s): a busy CI machine can hold an answer past 5 s.
        argv: [`--server-url=${serverUrl}`, '--development'],
      });
      const runtime = await createAppServices({
        settings: appSettings,
        version: '0.0.0-e2e',
        logger,
        openReaders: async () => {
          const pcsc = await createPcscBackend({ retryMs: 100 });
          return pcsc.ok
            ? ok({ backend: pcsc.value, mock: null })
            : err(appError('CARD_SUPPORT_MISSING'));
        },
      });
      if (runtime.startupError !== null)
        throw new Error(`app settings: ${JSON.stringify(runtime.startupError)}`);
      const bridge = await startBrowserBridge({
        handlers: runtime.handlers,
        events: runtime.events,
        rendererDir: rendererBuildDir(projectRoot),
        logger,
      });
      const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(SCREEN_WAIT_MS);
      const pageLog: string[] = [];
      page.on('console', (m) => {
        // Chromium's verbose DOM hints (a type Playwright's own list leaves out) say nothing.
        const type: string = m.type();
        if (type !== 'verbose') pageLog.push(`${stamp()} [${type}] ${m.text()}`);
      });
      page.on('pageerror', (e) => pageLog.push(`${stamp()} [pageerror] ${e.message}`));
      // The resend countdown runs on the page's clock: a fake one is moved on instead of waited
      // for.
      // From the server's time: earlier tests may have moved the server's clock on.
      if (options.fakeBrowserClock === true) await page.clock.install({ time: clock.now() });
      await page.goto(bridge.url);
      const finish = async (): Promise<string> => {
        mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
        // The last screen and its text, for reading a failure.
        const text = await page
          .locator('body')
          .innerText()
          .catch((e: Error) => e.message);
        const appLog = records.map((r) => JSON.stringify(r)).join('\n');
        const report = [
          ...pageLog,
          '--- last screen ---',
          text,
          '--- app log ---',
          appLog,
          '--- server log meanwhile ---',
          serverLog.slice(serverFrom).join(''),
        ].join('\n');
        writeFileSync(join(E2E_OUTPUT_DIR, `${name}.page.log`), report);
        await page
          .screenshot({ path: join(E2E_OUTPUT_DIR, `${name}-last.png`) })
          .catch(() => undefined);
        await context.close();
        await bridge.close();
        await runtime.close();
        return report;
      };
      let closing: Promise<string> | undefined;
      return {
        page,
        runtime,
        bridge,
        logs: () => JSON.stringify(records) + serverLog.slice(serverFrom).join(''),
        close() {
          // A test may close its app itself; the suite closes every app again after each test and
          // then gets the same report.
          closing ??= finish();
          return closing;
        },
      };
    };

    return {
      database,
      serverUrl,
      smtp,
      notify,
      pcscd,
      clock,
      browser,
      console:
        operator === undefined || consoleProvider === undefined
          ? undefined
          : { consoleUrl: operator.url, issuer: consoleProvider.provider.issuer },
      services: () => services,
      coreSettings: settings.core,
      async stopServer() {
        await running?.close(100);
        running = null;
      },
      async startServer() {
        if (running === null) running = await listen(app, settings);
      },
      newCard,
      openApp,
      insertNonPivCard,
      removeAllCards,
      codeFromMail,
      codeFromText,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Registers the card in reader 0 with KNOWN_ANSWERS through the app's own flow (setup for the
 * unlock scenarios; the registration scenario itself goes through the screens).
 */
async function registerThroughFlow(
  serverUrl: string,
  smtp: TestSmtpServer,
  codeFromMail: E2eStack['codeFromMail'],
): Promise<void> {
  const { FlowRunner } = await import('../../src/main/flows/flow-runner');
  const { ReaderMonitor } = await import('../../src/main/reader/reader-monitor');
  const { createServerClient } = await import('../../src/main/server-client/server-client');
  const { silentLogger } = await import('../../src/main/logging/logger');
  const pcsc = await createPcscBackend({ retryMs: 100 });
  if (!pcsc.ok) throw new Error(`PC/SC for registration: ${pcsc.error.message}`);
  let runner: InstanceType<typeof FlowRunner> | null = null;
  // The card process has joined vpcd, but pcscd reports it only at its next poll: wait for the
  // monitor to see it, as the app's Start button does, instead of racing that poll.
  let cardSeen: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (cardSeen = resolve));
  const readers = new ReaderMonitor(pcsc.value, {
    configured: null,
    mock: false,
    logger: silentLogger,
    onStatus: (status) => {
      if (status.state === 'card-present') cardSeen();
    },
    onCardRemoved: () => runner?.cardRemoved(),
  });
  await readers.start();
  try {
    if (readers.status().state !== 'card-present')
      await withinBound(seen, () => 'pcscd did not report the card in reader 0');
    const flows = new FlowRunner({
      cards: readers,
      server: createServerClient({ baseUrl: serverUrl, timeoutMs: 30_000, logger: silentLogger }),
      logger: silentLogger,
      passcodePolicy: 'printable-4-8',
      onView: () => undefined,
    });
    runner = flows;
    const step = (view: Awaited<ReturnType<typeof flows.registerStart>>, kind: string) => {
      if (!view.ok || view.value.kind !== kind)
        throw new Error(`registration setup stopped before ${kind}: ${JSON.stringify(view)}`);
      return view.value;
    };
    const questions = step(await flows.registerStart('246810'), 'register-questions');
    if (questions.kind !== 'register-questions') throw new Error('unreachable');
    const answers = KNOWN_ANSWERS.map(({ match, answer }) => {
      const question = questions.catalogue.find((q) => match.test(q.text));
      if (question === undefined) throw new Error(`no catalogue question matches ${match}`);
      return { questionId: question.id, answer };
    });
    const before = smtp.received.length;
    step(await flows.registerAnswer(answers), 'register-code');
    const { code } = await codeFromMail(before);
    step(await flows.registerSubmitCode(code), 'register-done');
  } finally {
    readers.stop();
    await pcsc.value.close();
  }
}
