import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import express from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Settings } from '@ciclo/config';

/**
 * The console's pages have Italian paths, the API English ones: the two never collide, so a deep
 * link such as `/cicli/<id>` (in a reminder e-mail) loads the console while `GET /cycles/<id>`
 * stays the API.
 */
export const CONSOLE_ROUTE = /^\/(?:$|(?:accesso|da-fare|cicli|scadenze|trasparenza|metodo-valutazione|registro|notifiche|amministrazione)(?:\/|$))/;

/** Built files of the console (hashed names under /assets, cached for a year). */
const ASSET = /^\/(?:assets\/|favicon\.svg$|robots\.txt$)/;

export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export const isConsolePath = (path: string): boolean => CONSOLE_ROUTE.test(path) || ASSET.test(path);

/**
 * Serves the built console from `WEB_DIR` on the API's origin: static assets, and `index.html` for
 * every console route so that a deep link opens in a fresh tab. When the console was not built, its
 * routes answer 503 with a page saying how to build it (the API keeps working).
 */
export function serveConsole(app: NestExpressApplication, settings: Settings): void {
  const dir = resolve(settings.WEB_DIR);
  const index = join(dir, 'index.html');
  const built = existsSync(index);
  const html = built ? readFileSync(index) : null;
  const assets = express.static(dir, { index: false, immutable: true, maxAge: '365d', fallthrough: true });
  app.use((req: IncomingMessage & { path?: string; method?: string }, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (ASSET.test(path)) {
      if (!built) return next();
      return assets(req as never, res as never, next);
    }
    if (!CONSOLE_ROUTE.test(path)) return next();
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    if (!html) {
      res.statusCode = 503;
      res.end(
        '<!doctype html><html lang="it"><meta charset="utf-8"><title>Ciclo</title><h1>Console non disponibile</h1><p>La console web non è stata compilata: eseguire <code>npm run build:web</code> (lo fa <code>npm start</code>).</p></html>',
      );
      return;
    }
    res.end(req.method === 'HEAD' ? undefined : html);
  });
}
