import { Agent as HttpAgent } from 'node:http';
import { Socket } from 'node:net';
import axios, { AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import {
  directTransport,
  REQUEST_UNSUPPORTED,
} from '../../../../src/main/server-client/direct-transport';
import { transportError } from '../../../../src/main/server-client/server-errors';
import { appError } from '../../../../src/shared/errors';

/** An agent whose connection never completes, as to a server behind a firewall that drops it. */
class NeverConnects extends HttpAgent {
  override createConnection(): Socket {
    const socket = new Socket();
    // A socket still connecting: the request waits for its 'connect', which never comes.
    Object.assign(socket, { connecting: true });
    return socket;
  }
}

const base = 'http://192.0.2.1:8080';
const instance = (agent: HttpAgent) =>
  axios.create({
    baseURL: base,
    timeout: 150,
    validateStatus: () => true,
    adapter: directTransport({ base: new URL(base), agent, maxResponseBytes: 1024 }),
  });

describe('the direct transport', () => {
  it('when the connection is never made, then the request times out as axios times out', async () => {
    const agent = new NeverConnects();
    await expect(instance(agent).get('/v1/unlock/service')).rejects.toMatchObject({
      code: AxiosError.ECONNABORTED,
    });
    expect(transportError(AxiosError.ECONNABORTED)).toEqual(appError('SERVER_UNREACHABLE'));
    agent.destroy();
  });

  it('refuses an axios option it would not carry out, as a bug rather than the network', async () => {
    const agent = new NeverConnects();
    const http = instance(agent);
    for (const request of [
      http.get('/v1/unlock/service', { params: { q: 1 } }),
      http.get('/v1/unlock/service', { auth: { username: 'a', password: 'b' } }),
      http.get('/v1/unlock/service', { signal: new AbortController().signal }),
      http.get('https://elsewhere.example/v1/unlock/service'),
      http.post('/v1/unlock/attempts', Buffer.from('not JSON text')),
    ]) {
      await expect(request).rejects.toMatchObject({ code: REQUEST_UNSUPPORTED });
    }
    expect(transportError(REQUEST_UNSUPPORTED)).toEqual(appError('INTERNAL'));
    agent.destroy();
  });
});
