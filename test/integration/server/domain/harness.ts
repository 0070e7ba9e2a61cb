import { ColumnNode, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import { type KeyObject, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { cardProofMessage, type ProofPurpose } from '../../../../src/shared/card-identity';
import {
  createServices,
  serverCoreSettingsSchema,
  type ServerCoreSettings,
} from '../../../../server/create-services';
import type {
  AnswersAccepted,
  CardImport,
  DomainEvents,
  DomainLogger,
  DomainResult,
  RequestContext,
  ServerCore,
} from '../../../../server/domain/ports';
import type { CodeDelivery, UnblockAuthorisation } from '../../../../src/shared/http-api';
import type { StorageSettings } from '../../../../server/storage/storage-settings';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { codeInMail, startSmtpServer, type TestSmtpServer } from '../../../support/smtp';

/** A virtual card for domain tests: a GUID, a 9A and a 9E key pair, and the PUK IT imported. */
export interface TestCard {
  readonly cardId: string;
  readonly pivAuthentication: KeyObject;
  readonly cardAuthentication: KeyObject;
  readonly pivSpki: Uint8Array;
  readonly cardSpki: Uint8Array;
  readonly puk: string;
  readonly email: string;
  readonly holderName: string;
}

/** Makes a card with fresh P-256 keys. */
export function makeCard(
  overrides: Partial<Pick<TestCard, 'email' | 'holderName' | 'puk'>> = {},
): TestCard {
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const e = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = (k: KeyObject) => new Uint8Array(k.export({ format: 'der', type: 'spki' }));
  return {
    cardId: randomBytes(16).toString('hex'),
    pivAuthentication: a.privateKey,
    cardAuthentication: e.privateKey,
    pivSpki: spki(a.publicKey),
    cardSpki: spki(e.publicKey),
    puk: overrides.puk ?? String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
    email: overrides.email ?? 'john.rigby@nhs.net',
    holderName: overrides.holderName ?? 'Mr John Rigby',
  };
}

/** A test card as the issuing system's export gives it to the admin service. */
export function importOf(c: TestCard): CardImport {
  return {
    cardId: c.cardId,
    holderName: c.holderName,
    email: c.email,
    pivAuthentication: c.pivSpki,
    cardAuthentication: c.cardSpki,
    puk: c.puk,
  };
}

/** The release an attempt is given again: the PUK, with the next one as both unconfirmed and next. */
export function givenAgain(first: UnblockAuthorisation): UnblockAuthorisation {
  return { puk: first.puk, unconfirmedPuk: first.nextPuk, nextPuk: first.nextPuk };
}

/** The card's signature over the proof message, as the card would make it. */
export function proof(
  key: KeyObject,
  purpose: ProofPurpose,
  attemptId: string,
  nonce: string,
): Uint8Array {
  return new Uint8Array(
    sign('sha256', Buffer.from(cardProofMessage(purpose, attemptId, nonce)), key),
  );
}

/** A clock tests move by hand. */
export class TestClock {
  #at = new Date('2026-03-02T09:00:00.000Z');
  readonly now = (): Date => new Date(this.#at);
  advance(seconds: number): void {
    this.#at = new Date(this.#at.getTime() + seconds * 1000);
  }
}

/** A logger that keeps every line, to prove no secret reaches it. */
export function capturingLogger(): DomainLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

/** Random keys for one test run. */
export function testKeys(): ServerCoreSettings['keys'] {
  const k = () => randomBytes(32).toString('base64');
  return { keyEncryptionKeys: { k1: k() }, activeKeyId: 'k1', answerPepper: k() };
}

/** Settings for the domain tests: low argon2 cost (fast), a real SMTP server, the given storage. */
export function testSettings(
  storage: StorageSettings | Record<string, unknown>,
  smtpPort: number,
  keys: ServerCoreSettings['keys'],
  security: Record<string, unknown> = {},
): ServerCoreSettings {
  return serverCoreSettingsSchema.parse({
    security: { answers: { argon2: { memoryKiB: 8192, passes: 1 } }, ...security },
    storage,
    mail: {
      kind: 'smtp',
      host: '127.0.0.1',
      port: smtpPort,
      requireStartTls: false,
      from: 'smartcard-unlock@trust.nhs.net',
      timeoutMs: 5_000,
    },
    keys,
  });
}

/** The request context of a test request. */
export const ctx: RequestContext = { sourceAddress: '10.0.0.7', requestId: 'req-test' };

/** The registration a test card gets: the seed's two questions. */
export const ANSWERS = [
  { questionId: 'first-car', answer: 'Ford Focus' },
  { questionId: 'childhood-phone', answer: '0121 555 0123' },
] as const;

/** Drives the services through the flows, reading codes from the real SMTP server. */
export class Driver {
  constructor(
    readonly services: ServerCore,
    readonly smtp: TestSmtpServer,
  ) {}

  /** The code in the next mail to arrive. */
  async nextCode(afterCount = this.smtp.received.length): Promise<string> {
    return codeInMail(await this.smtp.nextCodeMail(afterCount));
  }

  /** Imports cards through the admin service. */
  async importCards(...cards: readonly TestCard[]): Promise<void> {
    const r = await this.services.admin.importCards(cards.map(importOf), 'tester');
    if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.error)}`);
  }

  /** Registers the card with these answers, confirming the address with the mailed code. */
  async register(
    card: TestCard,
    answers: readonly { questionId: string; answer: string }[] = ANSWERS,
  ) {
    const reg = this.services.registration;
    const started = must(await reg.start(card.cardId, ctx));
    must(
      await reg.step(
        'proof',
        started.attemptId,
        proof(card.pivAuthentication, 'register', started.attemptId, started.nonce),
        ctx,
      ),
    );
    const before = this.smtp.received.length;
    must(await reg.step('answers', started.attemptId, answers, ctx));
    must(await reg.step('code', started.attemptId, await this.nextCode(before), ctx));
  }

  /** Starts an unlock and proves the card; returns the attempt id. */
  async provedUnlock(card: TestCard): Promise<string> {
    const started = must(await this.services.unlock.start(card.cardId, ctx));
    must(
      await this.services.unlock.step(
        'proof',
        started.attemptId,
        proof(card.cardAuthentication, 'unlock', started.attemptId, started.nonce),
        ctx,
      ),
    );
    return started.attemptId;
  }

  /** An unlock up to the mailed code; returns the attempt and the code. */
  async unlockToCode(
    card: TestCard,
    answers = ANSWERS,
  ): Promise<{ attemptId: string; code: string }> {
    const attemptId = await this.provedUnlock(card);
    const before = this.smtp.received.length;
    must(await this.services.unlock.step('answers', attemptId, answers, ctx));
    return { attemptId, code: await this.nextCode(before) };
  }
}

/**
 * The right code then the unblock, as the app sends them: the authorisation, or the first refusal.
 */
export async function codeThenUnblock(
  services: ServerCore,
  attemptId: string,
  code: string,
): Promise<DomainResult<UnblockAuthorisation>> {
  const verified = await services.unlock.step('code', attemptId, code, ctx);
  return verified.ok ? services.unlock.step('unblock', attemptId, undefined, ctx) : verified;
}

/** The value of a successful result, or a thrown error naming the failure. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`Expected success, got ${JSON.stringify(r.error)}`);
  return r.value;
}

/** The code a right set of answers sent (not the channel choice that a second contact brings). */
export function codeSent(accepted: AnswersAccepted): CodeDelivery {
  if ('next' in accepted) throw new Error('Expected a code to be sent, got the channel choice');
  return accepted;
}

/** Builds services with these settings and clock (and logger and counters, when given). */
export function build(
  settings: ServerCoreSettings,
  clock: TestClock,
  logger?: DomainLogger,
  events?: DomainEvents,
) {
  return createServices(settings, {
    now: clock.now,
    ...(logger === undefined ? {} : { logger }),
    ...(events === undefined ? {} : { events }),
  });
}

/** An UPDATE that sets each of `columns` (its values may be bound, so they are not looked at). */
export const setsColumns = (node: RootOperationNode, columns: readonly string[]): boolean =>
  node.kind === 'UpdateQueryNode' &&
  columns.every((name) =>
    (node.updates ?? []).some((u) => ColumnNode.is(u.column) && u.column.column.name === name),
  );

/** Whether a query updates a card's pending PUK (setting, re-sealing or clearing it). */
export const updatesPendingPuk = (node: RootOperationNode): boolean =>
  node.kind === 'UpdateQueryNode' && JSON.stringify(node).includes('"pending_puk_ciphertext"');

/** Whether a query reads the cards table. */
export const readsCards = (node: RootOperationNode): boolean =>
  node.kind === 'SelectQueryNode' && JSON.stringify(node).includes('"cards"');

/**
 * A Kysely plugin that, once armed, runs another instance's step right after the services' first
 * query that `matches`. It runs while that query's connection (and transaction, with its locks)
 * is held, so it must not use the same services.
 */
export function stepAfter(matches: (node: RootOperationNode) => boolean): {
  readonly plugin: KyselyPlugin;
  arm(step: () => Promise<void>): void;
  readonly fired: () => boolean;
} {
  let armed: (() => Promise<void>) | undefined;
  let target: QueryId | undefined;
  let fired = false;
  return {
    plugin: {
      transformQuery: (args) => {
        if (armed !== undefined && target === undefined && matches(args.node)) {
          target = args.queryId;
        }
        return args.node;
      },
      transformResult: async (args) => {
        if (armed !== undefined && args.queryId === target) {
          const step = armed;
          armed = undefined;
          fired = true;
          await step();
        }
        return args.result;
      },
    },
    arm: (step) => {
      armed = step;
      target = undefined;
    },
    fired: () => fired,
  };
}

/** A test file's SMTP server, and the services its tests open, closed after each test. */
export function domainTestFile(): {
  readonly smtp: TestSmtpServer;
  readonly open: { close(): Promise<void> }[];
} {
  const open: { close(): Promise<void> }[] = [];
  let server: TestSmtpServer | undefined;
  beforeAll(async () => {
    server = await startSmtpServer();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return {
    get smtp() {
      if (server === undefined) throw new Error('the SMTP server starts in beforeAll');
      return server;
    },
    open,
  };
}
