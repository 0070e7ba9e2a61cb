import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';

/**
 * The console's styles and images, from nhsuk-frontend (a dependency of the server package, so a
 * server installed alone has them). Served from the operator listener itself: the pages' policy
 * lets nothing load from anywhere else.
 */

/** The console's few additions to the design system. */
const CONSOLE_CSS = `/* Smartcard Unlock service desk: additions to nhsuk-frontend. */
.app-console-mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
/* Forced colours: the header's white-on-blue text takes the system's colours, as its background does. */
@media (forced-colors: active) {
  .nhsuk-header, .nhsuk-header__account-item { color: CanvasText; background-color: Canvas; }
  .nhsuk-header a, .nhsuk-header__account-button { color: LinkText; background-color: Canvas; }
}
`;

/** Where nhsuk-frontend's compiled files are. */
function nhsukDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk');
}

/** The design system's CSS, its icon paths moved under the console (it names them from /assets). */
function designSystemCss(dist: string): string {
  return readFileSync(join(dist, 'nhsuk-frontend.min.css'), 'utf8')
    .replaceAll('url(/assets/', 'url(/console/assets/')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
}

/** The assets router, mounted at /console/assets before sign-in (the sign-in pages use them too). */
export function consoleAssets(): Router {
  const dist = nhsukDist();
  const css = designSystemCss(dist);
  const router = Router();
  const cached = (type: string, body: string) => (_req: express.Request, res: express.Response) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(type).send(body);
  };
  router.get('/nhsuk-frontend.css', cached('css', css));
  router.get('/console.css', cached('css', CONSOLE_CSS));
  router.use(
    '/images',
    express.static(join(dist, 'assets', 'images'), {
      index: false,
      fallthrough: true,
      maxAge: '1h',
      dotfiles: 'deny',
    }),
  );
  return router;
}
