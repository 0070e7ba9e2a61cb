import log from 'electron-log/main';
import { createLogger, type Logger, type LogLevel } from './logger';

/**
 * The app's log sink: electron-log's file in the user's log folder (Windows
 * `%APPDATA%\Smartcard Unlock\logs`, Linux `~/.config/Smartcard Unlock/logs`). Thin on purpose:
 * redaction happens in `createLogger`, before electron-log sees a record.
 */
export function createElectronLogger(minLevel: LogLevel): Logger {
  log.initialize();
  log.transports.file.level = minLevel;
  log.transports.console.level = minLevel;
  return createLogger(({ level, event, fields }) => log[level](event, fields), minLevel);
}
