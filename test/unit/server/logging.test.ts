import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, httpLogger } from '../../../server/logging';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly req?: { id?: string; method?: string; url?: string; remoteAddress?: string };
  readonly res?: { statusCode?: number };
  readonly responseTime?: number;
  readonly errorCode?: string;
  readonly step?: string;
}

let server: Server;
let url: string;
const lines: Line[] = [];
let hanging: (() => void) | undefined;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(l) as Line);
      }
      callback();
    },
  });
  const app = express();
  app.use(httpLogger(createLogger('info', sink)));
  app.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/refused', (req, res) => {
    req.log.info({ step: 'answers' }, 'checked');
    res.locals.errorCode = 'ANSWERS_WRONG';
    res.status(422).json({});
  });
  app.get('/broken', (_req, res) => {
    res.status(500).end();
  });
  app.get('/hangs', (_req, res) => {
    hanging = () => res.end();
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hanging?.();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The lines logged for one request id, once its response line is written. */
async function linesFor(id: string, count = 1): Promise<Line[]> {
  for (let i = 0; i < 200; i++) {
    const found = lines.filter((l) => l.req?.id === id);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no log line for request ${id}`);
}

describe('the request log', () => {
  it('when a request succeeds, then one info line names its id, method, path without query, address, status and time', async () => {
    const res = await fetch(`${url}/ok?holder=secret-in-query`, {
      headers: { authorization: 'Bearer not-for-logs' },
    });
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [line] = await linesFor(id);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id, method: 'GET', url: '/ok', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
    expect(typeof line?.responseTime).toBe('number');
    expect(line).not.toHaveProperty('errorCode');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-in-query');
    expect(text).not.toContain('not-for-logs');
  });

  it('when a request is refused, then the line is a warning with the error code, and req.log lines carry the same id', async () => {
    const res = await fetch(`${url}/refused`, {
      method: 'POST',
      headers: { 'x-request-id': 'desk-ticket-42' },
    });
    expect(res.headers.get('x-request-id')).toBe('desk-ticket-42');
    const found = await linesFor('desk-ticket-42', 2);
    expect(found.find((l) => l.msg === 'checked')).toMatchObject({ step: 'answers' });
    expect(found.find((l) => l.msg === 'request completed')).toMatchObject({
      level: 40,
      errorCode: 'ANSWERS_WRONG',
      res: { statusCode: 422 },
    });
  });

  it('when a client sends a request id that is not plain, then a fresh one replaces it', async () => {
    const res = await fetch(`${url}/ok`, { headers: { 'x-request-id': 'a b<script>' } });
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).not.toContain('script');
    await linesFor(id);
  });

  it('when the server fails, then the line is an error', async () => {
    const res = await fetch(`${url}/broken`);
    const [line] = await linesFor(res.headers.get('x-request-id') ?? '');
    expect(line).toMatchObject({ level: 50, res: { statusCode: 500 } });
  });

  it('when the client goes away before the response, then a warning says the request was aborted', async () => {
    const before = lines.length;
    await new Promise<void>((resolve) => {
      const req = http.get(`${url}/hangs`);
      req.on('error', () => resolve());
      // Give the server the request, then hang up.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    for (let i = 0; i < 200 && !lines.slice(before).some((l) => l.req?.url === '/hangs'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const line = lines.slice(before).find((l) => l.req?.url === '/hangs');
    expect(line).toMatchObject({ level: 40, msg: 'request aborted' });
  });
});

describe('error lines', () => {
  it('when an error with a system code is logged, then the code shows as systemCode while codes elsewhere stay redacted', () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createLogger('info', sink);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), {
      code: 'ECONNREFUSED',
    });
    logger.error({ err: refused, attempt: { code: 'QQQQ7777' } }, 'mail down');
    const line = JSON.parse(written.join('')) as {
      err: { systemCode?: string; message?: string; code?: string };
      attempt: { code: string };
    };
    expect(line.err).toMatchObject({ systemCode: 'ECONNREFUSED', message: refused.message });
    expect(line.err.code).toBeUndefined();
    expect(line.attempt.code).toBe('[redacted]');
    expect(written.join('')).not.toContain('QQQQ7777');
  });
});

describe('secrets in log lines', () => {
  /** A logger writing into an array of raw lines. */
  function capture() {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString('utf8'));
        callback();
      },
    });
    return { logger: createLogger('info', sink), written };
  }

  it('when secrets are logged at any depth, in lists, in child bindings or on errors, then none is written and the rest is', () => {
    const { logger, written } = capture();
    const child = logger.child({ attempt: { puk: 'PUK11111', step: 'unblock' } });
    const failure = Object.assign(new Error('mail refused'), {
      code: 'EAUTH',
      response: { password: 'PASS2222' },
    });
    const line = {
      answer: 'ANSWER33',
      outer: { inner: { deeper: { deepest: { code: 'CODE4444', kept: 'visible-1' } } } },
      list: [{ nextPuk: 'PUK55555' }, 'visible-2'],
      req: { headers: { authorization: 'Bearer TOKEN666', 'set-cookie': 'sid=COOKIE77' } },
      nested: { cause: Object.assign(new Error('x'), { signature: 'SIG88888' }) },
      card: { pivAuthDer: Buffer.from('bytes-333') },
    };
    child.warn(line, 'first');
    child.error({ err: failure }, 'second');

    const text = written.join('');
    for (const secret of [
      'PUK11111',
      'PASS2222',
      'ANSWER33',
      'CODE4444',
      'PUK55555',
      'TOKEN666',
      'COOKIE77',
      'SIG88888',
    ]) {
      expect(text).not.toContain(secret);
    }
    const [first, second] = written.map(
      (l) => JSON.parse(l) as Record<string, Record<string, unknown>>,
    );
    expect(first?.attempt).toEqual({ puk: '[redacted]', step: 'unblock' });
    expect(first?.outer).toEqual({
      inner: { deeper: { deepest: { code: '[redacted]', kept: 'visible-1' } } },
    });
    expect(first?.list).toEqual([{ nextPuk: '[redacted]' }, 'visible-2']);
    expect(first?.nested).toEqual({ cause: { name: 'Error', message: 'x' } });
    expect(first?.card).toEqual({ pivAuthDer: '[9 bytes]' });
    expect(second?.err).toMatchObject({
      message: 'mail refused',
      systemCode: 'EAUTH',
      response: { password: '[redacted]' },
    });
    // The caller's objects are not changed by the censoring.
    expect(line.outer.inner.deeper.deepest.code).toBe('CODE4444');
    expect(failure.response.password).toBe('PASS2222');
  });

  it('when a Notify key, a mobile number or a template’s values are logged, then none is written', () => {
    const { logger, written } = capture();
    logger.warn(
      {
        notify: { apiKey: 'live-KEY12345', baseUrl: 'https://api.notifications.service.gov.uk' },
        card: { mobile: '+447700900321', holderName: 'Mr John Rigby' },
        request: { phone_number: '+447700900322', personalisation: { body: 'CODE5555' } },
        phoneNumber: '+447700900323',
      },
      'settings',
    );
    const text = written.join('');
    for (const secret of ['KEY12345', '7700900321', '7700900322', '7700900323', 'CODE5555']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('api.notifications.service.gov.uk');
    expect(text).toContain('Mr John Rigby');
  });

  it('when a logged value refers to itself, then the line is still written, without the secret', () => {
    const { logger, written } = capture();
    const loop: Record<string, unknown> = { name: 'loop', code: 'CODE9999' };
    loop.self = loop;
    logger.info({ loop }, 'cycle');
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain('CODE9999');
    expect(JSON.parse(written[0]!)).toMatchObject({ loop: { name: 'loop', code: '[redacted]' } });
  });
});
