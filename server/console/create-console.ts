import type { Router } from 'express';
import type { Logger } from 'pino';
import type { ServerRuntime } from '../create-services';
import { kyselyConsoleSessionStore } from '../storage/console-session-repository';
import { kyselyRepositories } from '../storage/repositories';
import { consoleCookies } from './console-cookies';
import { consolePages } from './console-pages';
import { createConsoleRouter } from './console-router';
import { ConsoleSessions } from './console-sessions';
import type { ConsoleSettings } from './console-settings';
import { openIdSignIn } from './oidc-sign-in';

/** The console's composition: sessions in the server's database, the provider, the page routers. */
export function createConsole(options: {
  readonly settings: ConsoleSettings;
  readonly core: ServerRuntime;
  readonly logger: Logger;
  /** Whether the operator listener serves https (the cookies then take the `__Host-` prefix). */
  readonly httpsListener: boolean;
  /** The clock, for tests that move time (session expiry) without sleeping. */
  readonly now?: () => Date;
}): Router {
  const now = options.now ?? (() => new Date());
  const { db } = options.core.database;
  return createConsoleRouter(
    {
      settings: options.settings,
      sessions: new ConsoleSessions(kyselyConsoleSessionStore(db), options.settings, now),
      signIn: openIdSignIn(options.settings),
      audit: kyselyRepositories(db).audit,
      logger: options.logger,
      cookies: consoleCookies(options.httpsListener),
      now,
    },
    consolePages(options.core),
  );
}
