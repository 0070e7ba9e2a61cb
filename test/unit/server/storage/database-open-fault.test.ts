import { describe, expect, it } from 'vitest';
import {
  DatabaseOpenError,
  databaseOpenFault,
} from '../../../../server/storage/database-open-fault';
import { storageSettingsSchema } from '../../../../server/storage/storage-settings';

const PASSWORD = 'S3cret-pass';
const postgres = storageSettingsSchema.parse({
  kind: 'postgres',
  url: `postgres://scu:${PASSWORD}@db.trust.test:5433/scu?sslmode=verify-full`,
});
const sqlite = storageSettingsSchema.parse({ kind: 'sqlite', file: '/var/lib/scu/scu.sqlite' });
const FROM_ENV = 'environment variable DATABASE_URL';

/** An error as openDatabase throws it: the driver's error under the migration's, under its own. */
function opening(driverError: Error, kind: 'postgres' | 'sqlite' = 'postgres'): DatabaseOpenError {
  return new DatabaseOpenError(
    kind,
    new Error(`Could not bring the ${kind} database schema up to date`, { cause: driverError }),
  );
}

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('a database that cannot be opened at start', () => {
  it('when PostgreSQL refuses the password (28P01), then it is a settings fault naming DATABASE_URL, without the password', () => {
    const fault = databaseOpenFault(
      opening(withCode('password authentication failed for user "scu"', '28P01')),
      postgres,
      FROM_ENV,
    );
    expect(fault).toEqual({
      kind: 'settings',
      code: '28P01',
      message:
        'The server cannot start: storage.url (environment variable DATABASE_URL): PostgreSQL at db.trust.test:5433 refused the password of user "scu" (28P01 invalid_password). Correct the password in DATABASE_URL, or give the user that password in PostgreSQL (ALTER ROLE ... PASSWORD).',
    });
  });

  it('when the role is unknown (28000) or the database is missing (3D000), then each is a settings fault saying which', () => {
    const role = databaseOpenFault(
      opening(withCode('role "scu" does not exist', '28000')),
      postgres,
      FROM_ENV,
    );
    expect(role.kind).toBe('settings');
    expect(role.message).toContain('does not let user "scu" connect to database "scu" (28000');
    const database = databaseOpenFault(
      opening(withCode('database "scu" does not exist', '3D000')),
      postgres,
      FROM_ENV,
    );
    expect(database.kind).toBe('settings');
    expect(database.message).toContain('has no database "scu" (3D000');
    for (const fault of [role, database]) expect(fault.message).not.toContain(PASSWORD);
  });

  it('when the URL came from the config file, then the fix names storage.url in that file and DATABASE_URL', () => {
    const fault = databaseOpenFault(
      opening(withCode('password authentication failed for user "scu"', '28P01')),
      postgres,
      'config file /etc/scu/config.json',
    );
    expect(fault.message).toContain(
      'Correct the password in storage.url in /etc/scu/config.json (or set DATABASE_URL, which overrides it)',
    );
  });

  it('when every address refuses the connection, then it is not a settings fault: it names the host and port for a restart to retry', () => {
    const refused = Object.assign(
      new AggregateError([
        withCode('connect ECONNREFUSED ::1:5433', 'ECONNREFUSED'),
        withCode('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED'),
      ]),
      { code: 'ECONNREFUSED' },
    );
    const fault = databaseOpenFault(opening(refused), postgres, FROM_ENV);
    expect(fault.kind).toBe('unavailable');
    expect(fault.code).toBe('ECONNREFUSED');
    expect(fault.message).toContain(
      'PostgreSQL at db.trust.test:5433 (storage.url, from environment variable DATABASE_URL) cannot be reached (ECONNREFUSED)',
    );
    expect(fault.message).not.toContain(PASSWORD);
  });

  it('when connecting times out or the host name does not resolve, then it is not a settings fault', () => {
    const late = databaseOpenFault(
      opening(new Error('timeout exceeded when trying to connect')),
      postgres,
      FROM_ENV,
    );
    expect(late.kind).toBe('unavailable');
    expect(late.message).toContain('did not answer within 3000 ms (storage.connectTimeoutMs)');
    const unknownHost = databaseOpenFault(
      opening(withCode('getaddrinfo ENOTFOUND db.trust.test', 'ENOTFOUND')),
      postgres,
      FROM_ENV,
    );
    expect(unknownHost.kind).toBe('unavailable');
    expect(unknownHost.message).toContain('its host name does not resolve (ENOTFOUND)');
  });

  it('when the user may not create the tables (42501), then it is a settings fault saying to make it the owner', () => {
    const fault = databaseOpenFault(
      opening(withCode('permission denied for schema public', '42501')),
      postgres,
      FROM_ENV,
    );
    expect(fault.kind).toBe('settings');
    expect(fault.message).toContain('does not let user "scu" create the server\'s tables');
    expect(fault.message).toContain('ALTER DATABASE ... OWNER TO ...');
  });

  it('when a migration fails for another reason, then it is a plain failure quoting the causes without the password', () => {
    const fault = databaseOpenFault(
      opening(withCode('could not extend file: No space left on device', '53100')),
      postgres,
      FROM_ENV,
    );
    expect(fault).toEqual({
      kind: 'failed',
      code: '53100',
      message:
        'The server could not open its database, PostgreSQL at db.trust.test:5433 (storage.url, from environment variable DATABASE_URL): Could not bring the postgres database schema up to date: could not extend file: No space left on device.',
    });
  });

  it('when the SQLite file cannot be opened for lack of rights, then it is a settings fault naming storage.file and DATA_DIR', () => {
    const fault = databaseOpenFault(
      opening(withCode('unable to open database file', 'SQLITE_CANTOPEN'), 'sqlite'),
      sqlite,
      'not set',
    );
    expect(fault.kind).toBe('settings');
    expect(fault.message).toContain(
      'storage.file (the default file under dataDir (DATA_DIR)): SQLite cannot open /var/lib/scu/scu.sqlite (SQLITE_CANTOPEN)',
    );
    const busy = databaseOpenFault(
      opening(withCode('database is locked', 'SQLITE_BUSY'), 'sqlite'),
      sqlite,
      'not set',
    );
    expect(busy.kind).toBe('unavailable');
  });
});
