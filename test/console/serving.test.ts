import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as lexer from 'es-module-lexer';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { CONSOLE_CSP, CONSOLE_DIR } from '../../src/http/console';
import { useTestApp } from '../helpers/use-app';

// How Allot serves the console: same port, static ES modules, a CSP that forbids inline scripts and
// foreign origins; and what the console's sources may do (public API only, nothing in localStorage).

const s = useTestApp();
const get = (url: string, headers: Record<string, string> = {}) =>
  (s.t.app as FastifyInstance).inject({ url, headers });

async function sources(dir = CONSOLE_DIR): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else out.push(p);
  }
  return out;
}

describe('serving /console', () => {
  it('answers the page with a CSP of scripts and styles from this origin only, no inline script', async () => {
    const res = await get('/console');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toBe(CONSOLE_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/console/')).body).toBe(res.body);

    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/console\//);
      expect(body!.trim()).toBe('');
    }
    expect(res.body).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    for (const [, url] of res.body.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/console\//);
  });

  it('serves every module the console imports, Preact and htm included, as JavaScript under the same CSP', async () => {
    const seen = new Set<string>();
    const visit = async (url: string): Promise<void> => {
      if (seen.has(url)) return;
      seen.add(url);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('text/javascript; charset=utf-8');
      expect(res.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
      await lexer.init;
      // the module's own import and export statements, as a parser reads them (not words in its text)
      const imports = lexer.parse(res.body)[0].flatMap((m) => (m.n === undefined ? [] : [m.n]));
      for (const spec of imports) {
        expect(spec, `${url} imports ${spec}`).toMatch(/^\.\.?\//); // no bare specifier: no import map needed
        await visit(new URL(spec, `http://x${url}`).pathname);
      }
    };
    await visit('/console/app.js');
    expect([...seen]).toEqual(
      expect.arrayContaining(['/console/vendor/preact.js', '/console/vendor/hooks.js', '/console/vendor/htm.js']),
    );
    expect((await get('/console/vendor/hooks.js')).body).toContain('from"./preact.js"');
    expect((await get('/console/console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('revalidates with an ETag, and answers 404 (with the CSP) for anything it does not hold', async () => {
    const first = await get('/console/app.js');
    const again = await get('/console/app.js', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    for (const url of ['/console/nope.js', '/console/lib', '/console/..%2fpackage.json']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
    }
    // a path that climbs out of /console is no longer the console's, and reads no file either
    for (const url of ['/console/../package.json', '/console/%2e%2e/package.json']) {
      const out = await get(url);
      expect(out.statusCode, url).toBe(404);
      expect(out.body, url).not.toContain('"allot"');
    }
    // the console's pages are read-only: another method on them is 405, naming the ones they serve
    const post = await s.t.app.inject({ method: 'POST', url: '/console', payload: {} });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toContain('GET');
  });

  it("the console's sources call only the public API and /oauth/token, and never use localStorage", async () => {
    const files = (await sources()).filter((f) => f.endsWith('.js'));
    const fetchers: string[] = [];
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      expect(text, f).not.toMatch(/localStorage|document\.cookie|https?:\/\//);
      if (/\bfetch\(/.test(text)) fetchers.push(path.relative(CONSOLE_DIR, f));
      for (const [, url] of text.matchAll(/fetch\(\s*['"`]([^'"`$]*)/g)) expect(url).toMatch(/^\/oauth\/token$/);
    }
    // lib/api.js builds every URL it fetches from '/api/…'; lib/session.js fetches /oauth/token
    expect(fetchers.sort()).toEqual(['lib/api.js', 'lib/session.js']);
    const api = await readFile(path.join(CONSOLE_DIR, 'lib/api.js'), 'utf8');
    const paths = [...api.matchAll(/[`'](\/[^`'$]*)/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) expect(p).toMatch(/^\/api\//);
  });
});
