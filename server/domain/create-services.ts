import type { DomainLogger, ServerCore } from './ports';
import type { ServerCoreSettings } from './server-core-settings';

export { serverCoreSettingsSchema, type ServerCoreSettings } from './server-core-settings';

/** What a caller may inject: a clock (tests move time without sleeping) and a logger. */
export interface CreateServicesOptions {
  readonly now?: () => Date;
  readonly logger?: DomainLogger;
}

/**
 * Builds the domain services from parsed settings: opens the database and applies migrations,
 * prepares the mail transport and the key ring. Call `close()` on shutdown.
 */
export function createServices(
  settings: ServerCoreSettings,
  options: CreateServicesOptions = {},
): Promise<ServerCore> {
  void settings;
  void options;
  return Promise.reject(new Error('createServices is not implemented yet (server-core, issue 4).'));
}
