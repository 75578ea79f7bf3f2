import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The inventory console at /console: static ES modules (Preact + htm, no build step) that talk to
 * Allot only through the public API with the user's own token. Everything is read into memory once
 * at start: the files are small, and serving from a fixed map leaves no path to traverse.
 */

/** Scripts and styles from this origin only: no inline script or style, no foreign origin, no framing. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  // revalidated on every load (ETag): a new release is seen at once, an unchanged file costs a 304
  'cache-control': 'no-cache',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const asset = (body: Buffer | string, file: string): Asset => {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const type = TYPES[path.extname(file)];
  if (!type) throw new Error(`console: no content type for ${file}`);
  return { body: buf, type, etag: `"${createHash('sha1').update(buf).digest('base64url')}"` };
};

/** Every file under `dir` (console sources), by URL path below /console/. */
function readTree(dir: string, prefix = ''): Map<string, Asset> {
  const out = new Map<string, Asset>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory()) for (const [k, v] of readTree(path.join(dir, e.name), `${rel}/`)) out.set(k, v);
    else if (TYPES[path.extname(e.name)]) out.set(rel, asset(readFileSync(path.join(dir, e.name)), e.name));
  }
  return out;
}

/**
 * Preact, its hooks and htm, straight from node_modules. The hooks module imports the bare
 * specifier "preact", which a browser resolves only through an import map, and an inline import map
 * would need the CSP to allow an inline script: so that one import is pointed at ./preact.js.
 */
function vendor(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  // the folder of the package's own package.json, found from its entry point (htm exports no ./package.json)
  const dir = (pkg: string) => {
    let d = path.dirname(require.resolve(pkg));
    while (
      !existsSync(path.join(d, 'package.json')) ||
      JSON.parse(readFileSync(path.join(d, 'package.json'), 'utf8')).name !== pkg
    ) {
      const up = path.dirname(d);
      if (up === d) throw new Error(`console: cannot find the ${pkg} package`);
      d = up;
    }
    return d;
  };
  // source maps are not served: drop the comment that points at them
  const read = (file: string) => readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const hooks = read(path.join(dir('preact'), 'hooks/dist/hooks.mjs'));
  const pointed = hooks.replace(/from\s*"preact"/g, 'from"./preact.js"');
  if (pointed === hooks || /from\s*"preact"/.test(pointed))
    throw new Error('console: preact/hooks no longer imports "preact" as expected; update src/http/console.ts');
  return new Map([
    ['vendor/preact.js', asset(read(path.join(dir('preact'), 'dist/preact.mjs')), 'preact.js')],
    ['vendor/hooks.js', asset(pointed, 'hooks.js')],
    ['vendor/htm.js', asset(read(path.join(dir('htm'), 'dist/htm.mjs')), 'htm.js')],
  ]);
}

export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

export function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): void {
  const assets = new Map([...readTree(dir), ...vendor()]);
  const index = assets.get('index.html');
  if (!index) throw new Error(`console: ${dir}index.html is missing`);

  const send = (request: FastifyRequest, reply: FastifyReply, a: Asset | undefined) => {
    void reply.headers(HEADERS);
    if (!a) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
    void reply.header('etag', a.etag);
    if (request.headers['if-none-match'] === a.etag) return reply.status(304).send();
    return reply.type(a.type).send(a.body);
  };

  app.get('/console', (request, reply) => send(request, reply, index));
  app.get('/console/*', (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    return send(request, reply, rest === '' ? index : assets.get(rest));
  });
}
