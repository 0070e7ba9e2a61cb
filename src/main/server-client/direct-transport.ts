import { request as httpRequest, type Agent, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

// axios's transport when the server is reached without a proxy: one node:http(s) request on the
// client's keep-alive agent. axios's own adapter runs its proxy, redirect, decompression, stream
// and form handling on every request, about 1 ms a request here (docs/decisions/0026).

/** The environment variables through which axios's own adapter would send requests to a proxy. */
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy'];

/** Whether the environment names a proxy, so requests must go through axios's own adapter. */
export function proxyInEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name] || env[name.toUpperCase()]));
}

/** The code of an answer the transport would not read: encoded, or over the limit. */
export const ANSWER_REFUSED = 'ERR_ANSWER_REFUSED';
/** The code of a request using an axios option this transport does not carry out (a bug). */
export const REQUEST_UNSUPPORTED = 'ERR_REQUEST_UNSUPPORTED';

/** Where the transport sends its requests, and the most it reads of an answer. */
interface DirectTransportOptions {
  /** The server's base URL: a request's path is appended to its path. */
  readonly base: URL;
  /** The client's keep-alive agent for the base URL's protocol (with its pinned authority). */
  readonly agent: Agent;
  readonly maxResponseBytes: number;
}

/**
 * An axios adapter that sends the request as axios prepared it (headers, JSON body) and hands back
 * the raw body for axios's own response handling. Failures are AxiosErrors with Node's code, as
 * axios's adapter gives them; the timeout runs from the start, connection included, as axios's.
 */
export function directTransport(options: DirectTransportOptions): AxiosAdapter {
  const { base, agent, maxResponseBytes } = options;
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  // Node's own reading of the URL (an IPv6 host without its brackets, the default port).
  const { protocol, hostname, port } = urlToHttpOptions(base);
  const prefix = base.pathname.replace(/\/+$/, '');
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const body = requestBody(config);
      if (body instanceof AxiosError) return reject(body);
      const headers = config.headers.toJSON(true);
      // Said outright: without it, a server may encode the answer as it likes (RFC 9110 §12.5.3).
      headers['Accept-Encoding'] = 'identity';
      if (body !== undefined) headers['Content-Length'] = String(body.length);
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        return true;
      };
      const fail = (error: AxiosError): void => {
        if (!settle()) return;
        request.destroy();
        reject(error);
      };
      const request: ClientRequest = send(
        {
          protocol,
          hostname,
          port,
          path: prefix + (config.url ?? ''),
          method: (config.method ?? 'get').toUpperCase(),
          headers,
          agent,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const encoding = response.headers['content-encoding'];
          // Only a success's body is needed; a failure's unreadable body leaves its status.
          const unreadable = encoding !== undefined && encoding !== 'identity';
          if (unreadable && status >= 200 && status < 300 && status !== 204) {
            return fail(refused(`an answer encoded as ${encoding}`, config, request));
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxResponseBytes) {
              fail(refused(`an answer over ${maxResponseBytes} bytes`, config, request));
            } else if (!unreadable) chunks.push(chunk);
          });
          response.on('error', (error) => fail(AxiosError.from(error, undefined, config, request)));
          response.on('end', () => {
            if (!settle()) return;
            resolve({
              // A byte-order mark is not JSON; axios's own adapter dropped it too.
              data: Buffer.concat(chunks)
                .toString('utf8')
                .replace(/^\uFEFF/, ''),
              status,
              statusText: response.statusMessage ?? '',
              headers: new AxiosHeaders(response.headers as Record<string, string>),
              config,
              request,
            });
          });
        },
      );
      request.on('error', (error) => fail(AxiosError.from(error, undefined, config, request)));
      const timer = config.timeout
        ? setTimeout(() => {
            const message = `timeout of ${config.timeout}ms exceeded`;
            fail(new AxiosError(message, AxiosError.ECONNABORTED, config, request));
          }, config.timeout)
        : undefined;
      request.end(body);
    });
}

/**
 * The body axios prepared (its JSON text), or none; an error for a body of another kind or an
 * option this transport would silently drop.
 */
function requestBody(config: InternalAxiosRequestConfig): Buffer | undefined | AxiosError {
  const dropped: string[] = (['params', 'auth', 'signal', 'cancelToken'] as const).filter(
    (option) => config[option] !== undefined,
  );
  if (/^[a-z][a-z\d+.-]*:/i.test(config.url ?? '')) dropped.push('an absolute url');
  if (dropped.length > 0) return unsupported(dropped.join(', '), config);
  const data: unknown = config.data;
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return unsupported('a request body that is not JSON text', config);
}

const refused = (what: string, config: InternalAxiosRequestConfig, request: ClientRequest) =>
  new AxiosError(`refused ${what}`, ANSWER_REFUSED, config, request);

const unsupported = (what: string, config: InternalAxiosRequestConfig) =>
  new AxiosError(`the direct transport does not carry ${what}`, REQUEST_UNSUPPORTED, config);
