import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../../src/main/logging/logger';
import { REDACTED, redact } from '../../../../src/shared/redact';

describe('logger redaction', () => {
  it('when a secret-named field is logged at any depth, then its value never reaches the sink', () => {
    const { logger, records } = createMemoryLogger();
    logger.info('careless call', {
      passcode: '1234',
      nested: { PUK: '87654321', list: [{ answer: 'Ford Escort' }], nextPuk: 'x' },
      code: 'K7QX4M2P',
      authorization: 'Bearer abc',
      attemptId: 'kept',
    });
    const text = JSON.stringify(records);
    for (const secret of ['1234', '87654321', 'Ford Escort', 'K7QX4M2P', 'Bearer abc']) {
      expect(text).not.toContain(secret);
    }
    expect(records[0]?.fields).toMatchObject({ attemptId: 'kept', passcode: REDACTED });
  });

  it('logs errors as name and message, and bytes as their length only', () => {
    expect(redact({ error: new TypeError('boom'), der: Uint8Array.of(1, 2, 3) })).toEqual({
      error: { name: 'TypeError', message: 'boom' },
      der: '[3 bytes]',
    });
  });

  it('drops records below the minimum level', () => {
    const { logger, records } = createMemoryLogger('warn');
    logger.info('quiet');
    logger.error('loud');
    expect(records.map((r) => r.event)).toEqual(['loud']);
  });
});
