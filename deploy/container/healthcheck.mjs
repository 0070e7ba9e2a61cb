// The container's HEALTHCHECK: GET /healthz on this container's own port. The certificate is not
// checked here (it names the public host, not 127.0.0.1); clients check it. Exit 0 = healthy.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const tls = (process.env.TLS_CERT_FILE ?? '') !== '';
const url =
  process.env.SCU_HEALTHCHECK_URL ??
  `${tls ? 'https' : 'http'}://127.0.0.1:${process.env.PORT ?? '8080'}/healthz`;
const request = url.startsWith('https:') ? httpsRequest : httpRequest;
const req = request(url, { rejectUnauthorized: false, timeout: 4000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (error) => {
  console.error(`healthcheck: ${url}: ${error.message}`);
  process.exit(1);
});
req.end();
