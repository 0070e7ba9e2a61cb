import { appError, type AppError } from '../../shared/errors';
import { errorResponseSchema } from '../../shared/http-api';
import { ANSWER_REFUSED, REQUEST_UNSUPPORTED } from './direct-transport';

/**
 * How transport failures and HTTP statuses become the app's error values. Pure, so every mapping
 * is tested without a network; the client feeds it what axios reports.
 */

/** Node and OpenSSL error codes that mean the TLS handshake or the certificate failed. */
const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_OSSL/;

/**
 * The error for a request that got no usable HTTP response: unreachable, timed out, refused by
 * TLS, an answer the transport refused to read (the server's fault), or a request it could not send
 * as asked (ours).
 */
export function transportError(code: string | undefined, causeCode?: string): AppError {
  const codes = [code, causeCode].filter((c): c is string => c !== undefined);
  if (codes.some((c) => TLS_CODE.test(c))) return appError('TLS_ERROR');
  if (code === ANSWER_REFUSED) return appError('SERVER_ERROR');
  if (code === REQUEST_UNSUPPORTED) return appError('INTERNAL');
  return appError('SERVER_UNREACHABLE');
}

/** Server error codes a 5xx may carry that mean more to the holder than "the service had a problem". */
const PASSED_THROUGH_5XX: ReadonlySet<string> = new Set([
  'MAIL_UNAVAILABLE',
  'TEXT_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
]);

/**
 * The error for an HTTP failure status: 5xx and unreadable bodies are the server's problem;
 * 4xx carry the server's stable code, re-worded from our own catalogue so every screen matches.
 */
export function statusError(status: number, body: unknown): AppError {
  const parsed = errorResponseSchema.safeParse(body);
  if (status >= 500) {
    // A 5xx means the server had a problem, except when it names a dependency the holder can wait
    // for: mail or text messages down (503) keep the attempt, and the screen must say so and offer
    // the resend; the service's database down (503) is a wait of minutes, not a fault to report.
    const code = parsed.success ? parsed.data.error.code : undefined;
    return code !== undefined && PASSED_THROUGH_5XX.has(code)
      ? appError(code, parsed.success ? parsed.data.error.details : undefined)
      : appError('SERVER_ERROR');
  }
  if (!parsed.success) {
    return status === 429 ? appError('RATE_LIMITED') : appError('SERVER_ERROR');
  }
  const { code, details } = parsed.data.error;
  return appError(code, details);
}

/** Whether repeating a request after this error could help (the server or the network was down). */
export function isTransient(error: AppError): boolean {
  // SERVICE_UNAVAILABLE too: an outcome report must get through a database failover if it can.
  return (
    error.code === 'SERVER_UNREACHABLE' ||
    error.code === 'SERVER_ERROR' ||
    error.code === 'SERVICE_UNAVAILABLE'
  );
}
