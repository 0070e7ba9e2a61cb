import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, createOperatorApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createConsole } from '../server/console/create-console';
import { createServices } from '../server/create-services';
import { createMetrics } from '../server/http/metrics';
import { listen } from '../server/http/server';
import { createLogger as createServerLogger } from '../server/logging';
import { MockReaderBackend } from '../src/main/card/virtual/mock-reader-backend';
import { openVirtualCardFile } from '../src/main/card/virtual/virtual-piv-card';
import { FlowRunner } from '../src/main/flows/flow-runner';
import { silentLogger } from '../src/main/logging/logger';
import { ReaderMonitor } from '../src/main/reader/reader-monitor';
import { createServerClient } from '../src/main/server-client/server-client';
import type { FlowView } from '../src/shared/ipc-contract';
import { DEMO_OPERATORS, startLocalOidcProvider } from './local-oidc-provider';
import { freePort } from './free-port';

/**
 * The offline demo behind `npm start`: the server in process (SQLite, mail outbox in data/demo),
 * Mr John Rigby's virtual card registered through the app's own flow and locked, and the service
 * desk console on the operator listener, signing in through a local OpenID provider.
 */

/** The demo's known facts, printed on the console. */
export const DEMO = {
  holderName: 'Mr John Rigby',
  email: 'john.rigby@nhs.net',
  passcode: '246810',
  puk: '13572468',
  answers: [
    { match: /first car/i, answer: 'Ford Escort' },
    { match: /phone number/i, answer: '0121 496 0000' },
  ],
  /**
   * Unlocks of the demo card a day (security.puk.maxReleasesPerDay, 3 by default, at most 20), so
   * the demo can be walked through again and again; each `npm start` begins a new count.
   */
  unlocksPerDay: 20,
} as const;

/** A running demo. */
export interface EmbeddedDemo {
  readonly serverUrl: string;
  /** The service desk console on the operator listener. */
  readonly consoleUrl: string;
  readonly cardProfile: string;
  readonly outbox: string;
  readonly backend: MockReaderBackend;
  readonly answers: readonly { readonly question: string; readonly answer: string }[];
  close(): Promise<void>;
}

/** A failure with a sentence for the console (no stack trace). */
export class DemoError extends Error {}

function expectView<K extends FlowView['kind']>(
  view: { ok: boolean; value?: FlowView; error?: { code: string } },
  kind: K,
  step: string,
): Extract<FlowView, { kind: K }> {
  if (!view.ok || view.value?.kind !== kind) {
    const got = view.ok
      ? view.value?.kind === 'failed'
        ? `${view.value.error.code}: ${view.value.error.message}`
        : view.value?.kind
      : view.error?.code;
    throw new DemoError(`the demo registration stopped at "${step}" (${String(got)}).`);
  }
  return view.value as Extract<FlowView, { kind: K }>;
}

/** The code in the newest outbox mail: the registration's confirmation code, or an unlock code. */
function codeFromOutbox(outbox: string): string {
  const files = readdirSync(outbox)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const newest = files.at(-1);
  if (newest === undefined) throw new DemoError(`no mail arrived in ${outbox}.`);
  const { text } = JSON.parse(readFileSync(join(outbox, newest), 'utf8')) as { text: string };
  const match = /(?:Smartcard Unlock Code|Confirmation code): ([A-Z0-9 -]+)/.exec(text);
  if (!match?.[1]) throw new DemoError(`the mail in ${newest} carries no code.`);
  return match[1].replace(/[\s-]/g, '');
}

/** What `npm start` prints once the demo is ready: how to walk it, and what it allows. */
export function demoBanner(demo: EmbeddedDemo, configuredFlag: string): readonly string[] {
  return [
    '',
    'Smartcard Unlock demo (offline)',
    `  Server:        ${demo.serverUrl} (SQLite and mail outbox in data/demo)`,
    `  Card holder:   ${DEMO.holderName}, registered, whose virtual card is LOCKED`,
    '  Security answers:',
    ...demo.answers.map(({ question, answer }) => `    ${question}  ->  ${answer}`),
    '  The Smartcard Unlock Code is printed below as "[outbox] unlock ..." when it is sent,',
    `  and written to ${demo.outbox}.`,
    '  Mock reader panel: insert, remove and lock the card from the app.',
    `  Unlocks:       the demo card can be unlocked ${DEMO.unlocksPerDay} times in each run (a real card 3 times a day, by default).`,
    '                 After that, Start says it was "unlocked too often today": press Ctrl+C and run',
    '                 npm start again, which starts the demo afresh.',
    `  Settings:      the demo's server and card, over this computer's (${configuredFlag} uses this computer's alone)`,
    `  Service desk:  ${demo.consoleUrl} (the console; its demo sign-in asks only for a username)`,
    ...Object.entries(DEMO_OPERATORS).map(
      ([username, a]) => `                 ${username.padEnd(14)} ${a.name}, ${a.role}`,
    ),
    '',
  ];
}

/** Starts the demo server and prepares the demo card in `root/data/demo` (cleared each run). */
export async function startEmbeddedDemo(root: string): Promise<EmbeddedDemo> {
  const dir = join(root, 'data', 'demo');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const operatorPort = await freePort();
  const idp = await startLocalOidcProvider();
  // The demo's own rules, in a settings file as IT would write one: more unlocks a day.
  const configFile = join(dir, 'demo-server.json');
  const security = { puk: { maxReleasesPerDay: DEMO.unlocksPerDay } };
  writeFileSync(configFile, JSON.stringify({ security }));
  const loaded = loadConfig({
    env: {
      DATA_DIR: dir,
      HOST: '127.0.0.1',
      PORT: String(port),
      OPERATOR_PORT: String(operatorPort),
      LOG_LEVEL: 'warn',
      SCU_CONSOLE_ISSUER: idp.issuer,
      SCU_CONSOLE_CLIENT_ID: idp.clientId,
      SCU_CONSOLE_CLIENT_SECRET: idp.clientSecret,
    },
    cwd: root,
    configFile,
    development: true,
    purpose: 'server',
  });
  if (!loaded.ok) throw new DemoError(`the embedded server settings: ${loaded.error.message}`);
  const settings = loaded.value;
  // The outbox prints codes only once the demo has registered its holder: the registration's
  // code, which the demo reads from the outbox itself, is nothing the person needs to see.
  const mail = { ...settings.core.mail };
  const printCodes = mail.kind === 'outbox' && mail.printCodes;
  if (mail.kind === 'outbox') mail.printCodes = false;
  const services = await createServices({ ...settings.core, mail });
  const logger = createServerLogger('warn');
  const app = createApp({ services, logger, http: settings.http, help: settings.core.help });
  const running = await listen(app, settings);
  if (settings.console === undefined || settings.operator === undefined) {
    throw new DemoError('the service desk console is not on in the demo settings.');
  }
  const consoleRouter = createConsole({
    settings: settings.console,
    core: services,
    logger,
    httpsListener: false,
  });
  const operator = await listen(
    createOperatorApp({
      services,
      logger,
      http: settings.http,
      metrics: createMetrics(),
      console: consoleRouter,
    }),
    { ...settings, ...settings.operator },
  );
  const outbox = join(dir, 'outbox');

  // The card: a profile file stands for the chip; opening it generates its keys and certificates.
  const cardProfile = join(dir, 'john-rigby-card.json');
  const guid = '4a6f686e52696762792044656d6f2031';
  writeFileSync(
    cardProfile,
    JSON.stringify({
      guid,
      holderName: DEMO.holderName,
      pin: DEMO.passcode,
      puk: DEMO.puk,
      pinTriesLeft: 3,
      pukTriesLeft: 3,
    }),
    { mode: 0o600 },
  );
  const card = openVirtualCardFile(cardProfile);
  if (!card.ok) throw new DemoError(`the demo card: ${card.error.message}`);
  const profile = JSON.parse(readFileSync(cardProfile, 'utf8')) as {
    certificates?: Record<'9A' | '9E', string>;
  };
  if (profile.certificates === undefined) {
    throw new DemoError('the demo card has no certificates after opening.');
  }
  const der = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
  const imported = await services.admin.importCards(
    [
      {
        cardId: guid,
        holderName: DEMO.holderName,
        email: DEMO.email,
        pivAuthentication: der(profile.certificates['9A']),
        cardAuthentication: der(profile.certificates['9E']),
        puk: DEMO.puk,
      },
    ],
    'npm start (demo)',
  );
  if (!imported.ok) throw new DemoError(`enrolling the demo card: ${imported.error.code}.`);

  // Registration through the app's own flow and server client, as the holder would do it.
  const backend = new MockReaderBackend(card.value);
  const server = createServerClient({
    baseUrl: running.url,
    timeoutMs: 30_000,
    logger: silentLogger,
  });
  let runner: FlowRunner | null = null;
  const readers = new ReaderMonitor(backend, {
    configured: null,
    mock: true,
    logger: silentLogger,
    onStatus: () => undefined,
    onCardRemoved: () => runner?.cardRemoved(),
  });
  await readers.start();
  runner = new FlowRunner({
    cards: readers,
    server,
    logger: silentLogger,
    passcodePolicy: 'printable-4-8',
    onView: () => undefined,
  });
  const questions = expectView(
    await runner.registerStart(DEMO.passcode),
    'register-questions',
    'log in with the passcode',
  );
  const answers = DEMO.answers.map(({ match, answer }, index) => {
    const question =
      questions.catalogue.find((q) => match.test(q.text)) ?? questions.catalogue[index];
    if (question === undefined) throw new DemoError('the server offers too few questions.');
    return { questionId: question.id, question: question.text, answer };
  });
  expectView(
    await runner.registerAnswer(answers.map(({ questionId, answer }) => ({ questionId, answer }))),
    'register-code',
    'answers',
  );
  expectView(await runner.registerSubmitCode(codeFromOutbox(outbox)), 'register-done', 'code');
  readers.stop();
  if (mail.kind === 'outbox') mail.printCodes = printCodes;
  // Three wrong passcodes' worth: the card is now locked, as the holder will find it.
  backend.lock();

  return {
    serverUrl: running.url,
    consoleUrl: `${operator.url}/console/`,
    cardProfile,
    outbox,
    backend,
    answers: answers.map(({ question, answer }) => ({ question, answer })),
    async close() {
      await Promise.all([running.close(1000), operator.close(1000)]);
      await services.close();
      await idp.close();
    },
  };
}
