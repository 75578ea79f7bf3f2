import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, JSONAPI } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * Issue 17 §6: what Node's HTTP parser refuses itself (headers too large, not HTTP) and methods no
 * route serves are answered in Commerce Layer's error format too, with 405 and `Allow` on known paths.
 */
let t: TestApp;
let api: Client;
let port: number;
useTestApp({}, (s) => ({ t, api } = s));
beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});

/** Raw bytes to the server; the raw answer back (it closes the connection). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let out = '';
    s.on('data', (b) => (out += b.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.setTimeout(5_000, () => s.destroy(new Error('no answer')));
  });
}

const parse = (answer: string) => {
  const [head, body] = answer.split('\r\n\r\n') as [string, string];
  return { status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: JSON.parse(body) };
};

describe('errors Node writes itself', () => {
  it('431 for headers too large, as a JSON:API error', async () => {
    const r = parse(await raw(`GET /api/skus HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(r.status).toBe(431);
    expect(r.head).toContain(`content-type: ${JSONAPI}`);
    expect(r.body.errors[0]).toMatchObject({ status: '431', code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' });
  });

  it('400 for what is not HTTP, or a method Node does not know', async () => {
    for (const bytes of ['this is not http\r\n\r\n', 'FROB /api/skus HTTP/1.1\r\nHost: x\r\n\r\n']) {
      const r = parse(await raw(bytes));
      expect(r.status, bytes).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ status: '400', code: 'BAD_REQUEST' });
    }
  });
});

describe('methods no route serves', () => {
  it('405 with Allow on a known path', async () => {
    const list = await api.call({ method: 'TRACE', url: '/api/skus' });
    expect(list.status).toBe(405);
    expect(list.headers.allow).toBe('GET, HEAD, POST');
    expect(list.body.errors[0]).toMatchObject({ status: '405', code: 'METHOD_NOT_ALLOWED' });
    const one = await api.call({ method: 'OPTIONS', url: '/api/skus/abc' });
    expect(one.status).toBe(405);
    expect(one.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
    expect((await api.call({ method: 'OPTIONS', url: '/oauth/token' })).headers.allow).toBe('POST');
  });

  it('404 where there is no such path', async () => {
    const res = await api.call({ method: 'TRACE', url: '/nowhere/at/all/here' });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('RECORD_NOT_FOUND');
  });
});
