import { describe, expect, it } from 'vitest';
import { databaseUnavailableCode } from '../../../../server/storage/database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('telling an unavailable database from a fault', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED'), 'ECONNREFUSED'],
    ['a reset connection', withCode('ECONNRESET'), 'ECONNRESET'],
    ['a socket timeout', withCode('ETIMEDOUT'), 'ETIMEDOUT'],
    ['pg_terminate_backend or a fast stop (admin_shutdown)', withCode('57P01'), '57P01'],
    ['a server starting or stopping (cannot_connect_now)', withCode('57P03'), '57P03'],
    ['statement_timeout (query_canceled)', withCode('57014'), '57014'],
    ['a connection exception (class 08)', withCode('08006'), '08006'],
    ['SQLite busy beyond busy_timeout', withCode('SQLITE_BUSY'), 'SQLITE_BUSY'],
    [
      'the pool giving up on a connection',
      new Error('timeout exceeded when trying to connect'),
      'timeout exceeded when trying to connect',
    ],
    [
      'a connection lost mid-query',
      new Error('Connection terminated unexpectedly'),
      'Connection terminated unexpectedly',
    ],
    ['a frozen server (query_timeout)', new Error('Query read timeout'), 'Query read timeout'],
    [
      'a wrapped cause',
      new Error('migration failed', { cause: withCode('ECONNREFUSED') }),
      'ECONNREFUSED',
    ],
    [
      'every address of a host refusing (AggregateError)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED')], ''), { code: undefined }),
      'ECONNREFUSED',
    ],
  ])('when the error is %s, then it is unavailable with its code', (_what, error, code) => {
    expect(databaseUnavailableCode(error)).toBe(code);
  });

  it.each([
    ['an ordinary error', new Error('boom')],
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['not an object', 'ECONNREFUSED'],
    ['null', null],
  ])('when the error is %s, then it is a fault, not unavailability', (_what, error) => {
    expect(databaseUnavailableCode(error)).toBeUndefined();
  });
});
