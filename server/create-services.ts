import type { KyselyPlugin } from 'kysely';
import { createMailer, type Mailer } from './mail/mailer';
import { AnswerHasher } from './security/answer-hasher';
import { KeyRing } from './security/key-ring';
import { CodeHasher } from './security/secrets';
import { NotMeTokens } from './security/not-me-token';
import { type OpenDatabase, openDatabase } from './storage/database';
import { holderDelivery } from './delivery/holder-delivery';
import { createNotifySender } from './delivery/notify-sender';
import { kyselyRepositories, kyselyUnitOfWork } from './storage/repositories';
import { createAdminService } from './domain/admin-service';
import { createAttemptService } from './domain/attempt/engine';
import { createNotMeService } from './domain/not-me';
import { createAssistedUnlockDesk } from './domain/assisted-unlock';
import { ReferenceHasher } from './security/assisted-reference';
import { createHolderSupportService } from './domain/desk/holder-support';
import { createReportService } from './domain/desk/activity-report';
import type { DomainDeps } from './domain/deps';
import { REGISTRATION_FLOW, UNLOCK_FLOW } from './domain/attempt-flows';
import type { DomainEvents, DomainLogger, ServerCore } from './domain/ports';
import { SourceThrottle } from './domain/source-throttle';
import type { ServerCoreSettings } from './server-core-settings';

export { serverCoreSettingsSchema, type ServerCoreSettings } from './server-core-settings';

/** What a caller may inject: a clock (tests move time without sleeping), a logger, plugins. */
interface CreateServicesOptions {
  readonly now?: () => Date;
  readonly logger?: DomainLogger;
  /**
   * Kysely plugins on the services' queries: tests use one to run another instance's step between
   * two statements of a flow. A prepared query passes through them once, when it is compiled.
   */
  readonly queryPlugins?: readonly KyselyPlugin[];
  /** Where the domain's counters go: the server passes its metrics (server/http/metrics.ts). */
  readonly events?: DomainEvents;
}

/** The core with its open database, for what runs beside the flows: shared rate limits, the purge. */
export interface ServerRuntime extends ServerCore {
  readonly database: OpenDatabase;
}

const silentLogger: DomainLogger = { info: () => {}, warn: () => {}, error: () => {} };
const uncounted: DomainEvents = {
  unknownAttempt: () => {},
  mailSent: () => {},
  notMeReported: () => {},
  assistedApproval: () => {},
};

/** Unknown-attempt requests are audited once a minute per address, for this many addresses. */
const UNKNOWN_ATTEMPT_AUDIT = { intervalMs: 60_000, maxSources: 4096 } as const;

/**
 * Builds the domain services from parsed settings: opens the database and applies migrations,
 * prepares the mail transport and the key ring. Call `close()` on shutdown.
 */
export async function createServices(
  settings: ServerCoreSettings,
  options: CreateServicesOptions = {},
): Promise<ServerRuntime> {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const database = await openDatabase(settings.storage, {
    // The message and code only: the driver's error carries its whole client object.
    onError: (error) =>
      logger.warn(
        { database: error.message, systemCode: (error as { code?: unknown }).code },
        'a pooled database connection failed',
      ),
  });
  const events = options.events ?? uncounted;
  const transport = createMailer(settings.mail, logger, now);
  const mailer: Mailer = {
    send: (mail) => transport.send(mail),
    close: () => transport.close(),
  };
  const routed = holderDelivery({
    mailer,
    emailVia: settings.delivery.email,
    notify:
      settings.notify === undefined
        ? undefined
        : { sender: createNotifySender(settings.notify, logger), settings: settings.notify },
    help: settings.help,
    logger,
    publicUrl: settings.publicUrl,
  });
  const db = (options.queryPlugins ?? []).reduce(
    (db, plugin) => db.withPlugin(plugin),
    database.db,
  );
  const deps: DomainDeps = {
    repos: kyselyRepositories(db),
    unitOfWork: kyselyUnitOfWork(db),
    policy: settings.security,
    keyRing: new KeyRing(settings.keys),
    answerHasher: new AnswerHasher(settings.keys.answerPepper, settings.security.answers.argon2),
    codeHasher: new CodeHasher(settings.keys.answerPepper),
    notMeTokens: new NotMeTokens(settings.keys.answerPepper),
    referenceHasher: new ReferenceHasher(settings.keys.answerPepper),
    delivery: {
      async send(message) {
        const outcome = await routed.send(message);
        events.mailSent(message.purpose, outcome, message.channel);
        return outcome;
      },
    },
    channels: settings.delivery.channels,
    verification: settings.verification.model,
    now,
    logger,
    events,
    unknownAttemptAudits: new SourceThrottle(
      UNKNOWN_ATTEMPT_AUDIT.intervalMs,
      UNKNOWN_ATTEMPT_AUDIT.maxSources,
    ),
  };
  return {
    unlock: createAttemptService(deps, UNLOCK_FLOW),
    registration: createAttemptService(deps, REGISTRATION_FLOW),
    admin: createAdminService(deps),
    holders: createHolderSupportService(deps),
    reports: createReportService(deps),
    notMe: createNotMeService(deps),
    assistedUnlock: createAssistedUnlockDesk(deps),
    health: { checkDatabase: () => database.ping() },
    verification: {
      verification: settings.verification.model,
      channels: settings.delivery.channels,
      assistedUnlock: settings.security.assisted.enabled,
    },
    database,
    async close() {
      mailer.close();
      await database.close();
    },
  };
}
