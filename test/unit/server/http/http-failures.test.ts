import { describe, expect, it } from 'vitest';
import type { Response } from 'express';
import type { Logger } from 'pino';
import {
  errorBody,
  errorMiddleware,
  sendDomainFailure,
  toHttpFailure,
} from '../../../../server/http/http-failures';

/** The parts of a response that sendFailure writes, recorded. */
function recordingResponse() {
  const written = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const res = {
    locals: {} as Record<string, unknown>,
    setHeader(name: string, value: string) {
      written.headers[name.toLowerCase()] = value;
      return res;
    },
    status(code: number) {
      written.status = code;
      return res;
    },
    json(body: unknown) {
      written.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, locals: res.locals, written };
}

describe('turning thrown errors into responses', () => {
  it.each([
    ['entity.parse.failed', 400, 'body'],
    ['entity.too.large', 413, 'body'],
    ['charset.unsupported', 415, 'content-type'],
    ['encoding.unsupported', 415, 'content-encoding'],
    ['request.aborted', 400, 'body'],
  ])(
    'when the body parser raises %s, then it is %i VALIDATION_FAILED naming %s',
    (type, status, field) => {
      const failure = toHttpFailure(Object.assign(new Error('x'), { type, status }));
      expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status, details: { field } });
    },
  );

  it('when Express raises a 4xx of its own, then the status is kept and 404 becomes NOT_FOUND', () => {
    expect(toHttpFailure(Object.assign(new Error('bad URI'), { status: 400 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
    });
    expect(toHttpFailure(Object.assign(new Error('gone'), { statusCode: 404 }))).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('when an ordinary error or a 5xx is thrown, then it is not a known failure (the middleware makes it a 500)', () => {
    expect(toHttpFailure(new Error('boom'))).toBeUndefined();
    expect(toHttpFailure(Object.assign(new Error('x'), { status: 502 }))).toBeUndefined();
    expect(toHttpFailure('a string')).toBeUndefined();
  });

  it('when a domain error arrives, then its status comes from the table and its details are kept', () => {
    const { res, locals, written } = recordingResponse();
    sendDomainFailure(res, { code: 'ANSWERS_WRONG', details: { triesLeft: 1 } });
    expect(written.status).toBe(422);
    expect(written.body).toMatchObject({
      error: { code: 'ANSWERS_WRONG', details: { triesLeft: 1 } },
    });
    expect(locals.errorCode).toBe('ANSWERS_WRONG');
    expect(written.headers['retry-after']).toBeUndefined();
  });

  it('when a domain refusal says when to retry, then Retry-After says it too', () => {
    const { res, written } = recordingResponse();
    sendDomainFailure(res, { code: 'MAIL_UNAVAILABLE' });
    expect(written.status).toBe(503);
    expect(written.headers['retry-after']).toBe('60');
  });

  it('when the database is unreachable, then it is 503 SERVICE_UNAVAILABLE with Retry-After, logged at warn with the code', () => {
    const { res, written } = recordingResponse();
    const logged: { level: string; fields: Record<string, unknown> }[] = [];
    const logger = {
      warn: (fields: Record<string, unknown>) => logged.push({ level: 'warn', fields }),
      error: (fields: Record<string, unknown>) => logged.push({ level: 'error', fields }),
    } as unknown as Logger;
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    errorMiddleware(logger)(error, { id: 'r1' } as never, res, () => undefined);
    expect(written.status).toBe(503);
    expect(written.headers['retry-after']).toBe('30');
    expect(written.body).toMatchObject({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'The Smartcard Unlock Service is unavailable just now.',
      },
    });
    expect(logged).toEqual([
      {
        level: 'warn',
        fields: expect.objectContaining({ systemCode: 'ECONNREFUSED', requestId: 'r1' }),
      },
    ]);
  });

  it('when an error body is built, then it carries the catalogue wording and next step', () => {
    expect(errorBody('CODE_WRONG', { triesLeft: 1 })).toEqual({
      error: {
        code: 'CODE_WRONG',
        message: 'That Smartcard Unlock Code is not right. You have 1 more try left.',
        nextStep: expect.stringContaining('ask for a new code'),
        details: { triesLeft: 1 },
      },
    });
  });
});
