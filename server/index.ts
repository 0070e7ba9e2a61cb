import { parseArgs } from 'node:util';
import { createApp, createOperatorApp } from './app';
import { describeSettings, loadConfig } from './config';
import { createConsole } from './console/create-console';
import { createServices } from './create-services';
import { keysMissingForStoredPuks, missingKeysMessage } from './storage/key-coverage';
import { createMetrics, domainEventsOf } from './http/metrics';
import { rateLimitStoresFor } from './http/rate-limit-store';
import { listen, type RunningServer } from './http/server';
import { createLogger } from './logging';
import { DatabaseOpenError, configuredDatabaseFault } from './storage/database-open-fault';
import { startPurgeSchedule } from './storage/purge-schedule';
import { purgeExpired } from './storage/retention';

/**
 * The verification server's process: settings, services, app, listen, and a graceful stop on
 * SIGTERM, SIGINT or SIGHUP. `npm run server` starts it in development mode on the embedded defaults.
 */

const USAGE = `Usage: node out/server/index.js [--config FILE] [--dev]   (from source: tsx server/index.ts)

  --config FILE  JSON settings file (also SCU_CONFIG); environment variables override it
  --dev          development mode: plain HTTP allowed, codes printed, development keys generated
  --help         this text

Settings and environment variables: docs/decisions/0008-configuration.md.`;

/** Exit statuses of the server process (documented in docs/decisions/0008-configuration.md). */
const EXIT = { ok: 0, failed: 1, usage: 2, settings: 78 } as const;

/** Runs the server until a signal stops it; resolves with the process exit status. */
async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        dev: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    console.log(USAGE);
    return EXIT.ok;
  }

  const loaded = loadConfig({
    env,
    cwd: process.cwd(),
    ...(args.config === undefined ? {} : { configFile: args.config }),
    development: args.dev,
    purpose: 'server',
  });
  if (!loaded.ok) {
    console.error(loaded.error.message);
    return EXIT.settings;
  }
  const settings = loaded.value;
  const logger = createLogger(settings.logLevel);

  if (settings.development) {
    logger.warn(
      'DEVELOPMENT MODE: plain HTTP is allowed and unlock codes are printed. Never use it in production.',
    );
  }
  if (settings.developmentKeysFile !== undefined) {
    logger.warn(
      { file: settings.developmentKeysFile },
      'Using generated DEVELOPMENT keys (key-encryption key and answer pepper). Production must set its own: SCU_KEY_ENCRYPTION_KEYS, SCU_ACTIVE_KEY_ID and SCU_ANSWER_PEPPER, or "keys" in the config file.',
    );
  }
  if (settings.http.trustProxy === true) {
    logger.warn(
      'http.trustProxy is true: every X-Forwarded-For is believed. Prefer the proxy addresses or a hop count.',
    );
  }

  // One registry: the domain and the public app count into it, the operator app serves it.
  const metrics = createMetrics();
  let services;
  try {
    services = await createServices(settings.core, { logger, events: domainEventsOf(metrics) });
  } catch (error) {
    if (!(error instanceof DatabaseOpenError)) {
      logger.fatal({ err: error }, 'the server could not open its database or mail transport');
      return EXIT.failed;
    }
    const fault = configuredDatabaseFault(error, settings);
    logger.fatal({ err: error, systemCode: fault.code }, fault.message);
    // A refused user, password or database name is a settings fault: restarting cannot cure it.
    return fault.kind === 'settings' ? EXIT.settings : EXIT.failed;
  }

  const { db } = services.database;
  const missing = await keysMissingForStoredPuks(
    db,
    Object.keys(settings.core.keys.keyEncryptionKeys),
  );
  if (Object.keys(missing).length > 0) {
    logger.fatal({ missingKeyIds: Object.keys(missing) }, missingKeysMessage(missing));
    await services.close();
    return EXIT.settings;
  }
  const purge = startPurgeSchedule({
    purge: () => purgeExpired(db, new Date(), settings.retention),
    intervalMs: settings.retention.purgeIntervalMinutes * 60_000,
    logger,
  });
  const app = createApp({
    services,
    logger,
    http: settings.http,
    metrics,
    rateLimitStore: rateLimitStoresFor(settings.core.storage, db),
    help: settings.core.help,
  });
  let running: RunningServer | undefined;
  let operator: RunningServer | undefined;
  let where = `${settings.host}:${settings.port}`;
  try {
    running = await listen(app, settings);
    if (settings.operator !== undefined) {
      where = `${settings.operator.host}:${settings.operator.port} (the operator listener)`;
      const consoleRouter =
        settings.console === undefined
          ? undefined
          : createConsole({
              settings: settings.console,
              core: services,
              logger,
              httpsListener: settings.tls !== undefined,
            });
      const operatorApp = createOperatorApp({
        services,
        logger,
        http: settings.http,
        metrics,
        ...(consoleRouter === undefined ? {} : { console: consoleRouter }),
      });
      // The same TLS and connection limits as the public listener, on its own address.
      operator = await listen(operatorApp, { ...settings, ...settings.operator });
    }
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${where}`);
    await running?.close(0);
    await purge.stop();
    await services.close();
    return EXIT.failed;
  }
  const listeners = operator === undefined ? [running] : [running, operator];
  // There is no reload: SIGHUP (a closed terminal, a stray reload) stops as gently as SIGTERM.
  // Handlers first: whoever waits for `listening` may signal at once (tsx relays only to a listener).
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.once(name, () => resolve(name));
    }
  });
  logger.info(
    { url: running.url, operatorUrl: operator?.url, settings: describeSettings(settings) },
    'listening',
  );
  const signal = await stopped;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  try {
    await Promise.all(listeners.map((l) => l.close(settings.shutdownGraceSeconds * 1000)));
    await purge.stop();
    await services.close();
  } catch (error) {
    logger.error({ err: error }, 'shutdown was not clean');
    return EXIT.failed;
  }
  logger.info('stopped');
  return EXIT.ok;
}

main(process.argv.slice(2), process.env).then(
  // Exit explicitly: everything is closed by now, and a stray handle must not keep a stopped server alive.
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT.failed);
  },
);
