import { createOperatorApp } from '../../server/app';
import type { ServerSettings } from '../../server/config';
import { createConsole } from '../../server/console/create-console';
import type { ServerRuntime } from '../../server/create-services';
import { createMetrics } from '../../server/http/metrics';
import { listen, type RunningServer } from '../../server/http/server';
import { createLogger as createServerLogger } from '../../server/logging';
import { startLocalOidcProvider, type LocalOidcProvider } from '../../scripts/local-oidc-provider';

/**
 * The service desk console for an end-to-end stack that asks for it: the local OpenID provider,
 * and the operator listener serving the console on the stack's own server core (its database).
 */

/** The provider, and the environment that points the server's console at it. */
export async function startConsoleProvider(): Promise<{
  readonly provider: LocalOidcProvider;
  readonly env: Readonly<Record<string, string>>;
}> {
  const provider = await startLocalOidcProvider();
  return {
    provider,
    env: {
      SCU_CONSOLE_ISSUER: provider.issuer,
      SCU_CONSOLE_CLIENT_ID: provider.clientId,
      SCU_CONSOLE_CLIENT_SECRET: provider.clientSecret,
    },
  };
}

/** The operator listener with the console, on 127.0.0.1 at a free port, as the server runs it. */
export async function startOperatorConsole(
  settings: ServerSettings,
  services: ServerRuntime,
): Promise<RunningServer> {
  if (settings.console === undefined) throw new Error('the stack’s server has no console settings');
  const logger = createServerLogger('silent');
  const consoleRouter = createConsole({
    settings: settings.console,
    core: services,
    logger,
    httpsListener: false,
  });
  const app = createOperatorApp({
    services,
    logger,
    http: settings.http,
    metrics: createMetrics({ processMetrics: false }),
    console: consoleRouter,
  });
  return listen(app, { host: '127.0.0.1', port: 0, tls: undefined });
}
