import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { ApiEnv } from '../env.js';

/** Where the Swagger UI page loads its assets from: this server, never a CDN (docs work offline). */
export const SWAGGER_ASSETS_BASE = '/docs/assets';

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * Serves the pinned `swagger-ui-dist` package's files under `/docs/assets/swagger-ui-dist/` (the
 * path @hono/swagger-ui builds from its `baseUrl`). Each file is read once, on first request.
 */
export function mountSwaggerAssets(app: Hono<ApiEnv>): void {
  const packageDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  app.get(`${SWAGGER_ASSETS_BASE}/swagger-ui-dist/:file`, (c) => {
    const file = c.req.param('file');
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) return c.notFound();
    let body = cache.get(file);
    if (body === undefined) {
      body = readFileSync(join(packageDir, file));
      cache.set(file, body);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
