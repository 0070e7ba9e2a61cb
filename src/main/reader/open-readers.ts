import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { appError, type AppError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import type { ReaderSource } from '../app-services';
import { createPcscBackend } from '../card/pcsc/pcsc-backend';
import { MockReaderBackend } from '../card/virtual/mock-reader-backend';
import { openVirtualCardFile } from '../card/virtual/virtual-piv-card';
import type { Logger } from '../logging/logger';
import type { Settings } from '../settings/settings-schema';

/** The profile a first run of mock reader mode creates: an unlocked card with a known passcode. */
function defaultMockProfile(): Record<string, unknown> {
  return {
    guid: randomBytes(16).toString('hex'),
    holderName: 'Mr John Rigby',
    pin: '123456',
    puk: '12345678',
    pinTriesLeft: 3,
    pukTriesLeft: 3,
  };
}

/**
 * Opens the readers the settings ask for (the in-process virtual card, or PC/SC). Never throws: a
 * failure is a value the app shows on its own screen with the help contacts.
 */
export async function openReaders(
  settings: Settings,
  options: { readonly defaultMockProfilePath: string; readonly logger: Logger },
): Promise<Result<ReaderSource, AppError>> {
  if (settings.mockReader) {
    const path = settings.mockCardProfile ?? options.defaultMockProfilePath;
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(defaultMockProfile(), null, 2)}\n`, { mode: 0o600 });
      options.logger.info('mock reader: created a virtual card profile', { path });
    }
    const card = openVirtualCardFile(path);
    if (!card.ok) {
      options.logger.error('mock reader: the virtual card profile cannot be used', {
        path,
        problem: card.error.message,
      });
      // The profile is a setting of mock reader mode: say which file and what is wrong in it.
      return err(
        appError('SETTINGS_INVALID', {
          field: 'mockCardProfile',
          source: path,
          fix: card.error.message.slice(0, 1000),
        }),
      );
    }
    const backend = new MockReaderBackend(card.value);
    return ok({ backend, mock: backend });
  }
  const pcsc = await createPcscBackend();
  if (!pcsc.ok) {
    options.logger.error('PC/SC unavailable', {
      errorCode: pcsc.error.code,
      problem: pcsc.error.message,
    });
    // The binding is missing or its worker cannot start: an installation fault that waiting
    // will not cure (a stopped card service is reported later, by the backend, and recovers).
    return err(appError('CARD_SUPPORT_MISSING'));
  }
  return ok({ backend: pcsc.value, mock: null });
}
