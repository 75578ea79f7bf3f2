import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type Limit, limitsFor, RateLimiter } from '../src/http/rate-limit';
import type { TestApp } from './helpers/app';
import { type Client, client, doc, JSONAPI } from './helpers/http';
import { useTestApp } from './helpers/use-app';

let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

/** A request with exactly the headers given (plus the token), unlike the SDK-like client. */
async function raw(opts: InjectOptions & { headers?: Record<string, string> }) {
  const res = await t.app.inject({ ...opts, headers: { authorization: `Bearer ${t.tokens.admin}`, ...opts.headers } });
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}

const jsonApiError = (
  res: { status: number; headers: Record<string, unknown>; body: any },
  status: number,
  code?: string,
) => {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain(JSONAPI);
  expect(res.body.errors[0]).toMatchObject({
    title: expect.any(String),
    detail: expect.any(String),
    code: code ?? expect.any(String),
    status: String(status),
  });
};

const model = (name: string) => JSON.stringify(doc('inventory_models', { name }));

describe('Accept', () => {
  it.each([
    ['missing', undefined],
    ['application/json', 'application/json'],
    ['text/html', 'text/html'],
    ['the media type with a parameter', `${JSONAPI}; charset=utf-8`],
    ['the media type with parameters only', `${JSONAPI}; ext=bulk, ${JSONAPI}; profile="x"`],
  ])('406 NOT_ACCEPTABLE when Accept is %s', async (_label, accept) => {
    const headers: Record<string, string> = accept ? { accept } : {};
    jsonApiError(await raw({ method: 'GET', url: '/api/inventory_models', headers }), 406, 'NOT_ACCEPTABLE');
    jsonApiError(
      await raw({
        method: 'POST',
        url: '/api/inventory_models',
        headers: { ...headers, 'content-type': JSONAPI },
        payload: model('Refused'),
      }),
      406,
      'NOT_ACCEPTABLE',
    );
  });

  it('accepts the media type listed among others', async () => {
    for (const accept of [
      `application/json, ${JSONAPI}`,
      `text/html;q=0.9, ${JSONAPI}; charset=utf-8, ${JSONAPI}`,
      `${JSONAPI};q=0.5`,
    ]) {
      const res = await raw({ method: 'GET', url: '/api/inventory_models', headers: { accept } });
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toContain(JSONAPI);
    }
  });
});

describe('Content-Type', () => {
  it.each(['application/json', `${JSONAPI}; charset=utf-8`, 'text/plain'])(
    '415 UNSUPPORTED_MEDIA_TYPE for POST and PATCH sent as %s',
    async (ct) => {
      const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'CT target' }))).body.data.id;
      const before = (await api.get('/api/inventory_models')).body.meta.record_count;
      jsonApiError(
        await raw({
          method: 'POST',
          url: '/api/inventory_models',
          headers: { accept: JSONAPI, 'content-type': ct },
          payload: model('CT new'),
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const patch = JSON.stringify(doc('inventory_models', { name: 'CT changed' }, {}, id));
      jsonApiError(
        await raw({
          method: 'PATCH',
          url: `/api/inventory_models/${id}`,
          headers: { accept: JSONAPI, 'content-type': ct },
          payload: patch,
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expect((await api.get('/api/inventory_models')).body.meta.record_count).toBe(before);
      expect((await api.get(`/api/inventory_models/${id}`)).body.data.attributes.name).toBe('CT target');
    },
  );

  it('415s a POST without Content-Type', async () => {
    jsonApiError(
      await raw({
        method: 'POST',
        url: '/api/inventory_models',
        headers: { accept: JSONAPI },
        payload: model('No CT'),
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('serves GET and DELETE that carry Content-Type: application/vnd.api+json (the SDK sends it)', async () => {
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'SDK style' }))).body.data.id;
    const h = { accept: JSONAPI, 'content-type': JSONAPI };
    expect((await raw({ method: 'GET', url: '/api/inventory_models', headers: h })).status).toBe(200);
    expect((await raw({ method: 'GET', url: `/api/inventory_models/${id}`, headers: h })).status).toBe(200);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/inventory_models/${id}`,
      headers: { ...h, authorization: `Bearer ${t.tokens.admin}` },
    });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await api.get(`/api/inventory_models/${id}`)).status).toBe(404);
  });
});

describe('malformed requests', () => {
  it('400s a body that is not JSON, with a JSON:API error', async () => {
    for (const body of ['{"data": {', 'not json at all', '{"data": {"type": "inventory_models",}}']) {
      jsonApiError(await api.post('/api/inventory_models', body), 400, 'INVALID_DATA_FORMAT');
    }
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'Parse' }))).body.data.id;
    jsonApiError(await api.patch(`/api/inventory_models/${id}`, '{"data":'), 400, 'INVALID_DATA_FORMAT');
  });

  it('404s unknown routes with a JSON:API error', async () => {
    jsonApiError(await api.get('/api/unicorns'), 404);
    jsonApiError(await api.get('/api/inventory_models/x/stock_levels/y/z'), 404);
    jsonApiError(await api.get('/no/such/thing'), 404);
  });

  it('405s methods a resource does not support', async () => {
    jsonApiError(
      await api.call({ method: 'PUT', url: '/api/inventory_models/x', payload: model('Put') }),
      405,
      'METHOD_NOT_ALLOWED',
    );
    jsonApiError(await api.call({ method: 'DELETE', url: '/api/inventory_models' }), 405, 'METHOD_NOT_ALLOWED');
    jsonApiError(
      await api.call({ method: 'POST', url: '/api/inventory_models/x', payload: model('Post') }),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('400s an unknown query parameter with PARAM_NOT_ALLOWED', async () => {
    jsonApiError(await api.get('/api/inventory_models?foo=bar'), 400, 'PARAM_NOT_ALLOWED');
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'Q' }))).body.data.id;
    jsonApiError(await api.get(`/api/inventory_models/${id}?colour=red`), 400, 'PARAM_NOT_ALLOWED');
  });
});

describe('rate limits (docs/wire-format.md#rate-limits)', () => {
  let rl: TestApp;
  useTestApp({ env: { RATE_LIMITS: 'on' } }, (s) => ({ t: rl } = s));

  /** Start a burst early in a 10 s window so that it is not split across two windows. */
  const alignToWindow = async () => {
    const into = Date.now() % 10_000;
    if (into > 8_000) await new Promise((r) => setTimeout(r, 10_050 - into));
  };

  it('reports X-Ratelimit-Limit, -Interval and -Remaining, and no X-Ratelimit-Reset', async () => {
    const c = client(rl.app, rl.tokens.admin);
    const a = await c.get('/api/inventory_models');
    const b = await c.get('/api/inventory_models');
    expect(a.status).toBe(200);
    for (const h of [a.headers, b.headers]) {
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-interval', 'x-ratelimit-remaining'])
        expect(String(h[name])).toMatch(/^\d+$/);
      expect(h['x-ratelimit-reset']).toBeUndefined();
      expect(Number(h['x-ratelimit-remaining'])).toBeLessThan(Number(h['x-ratelimit-limit']));
    }
    expect(Number(b.headers['x-ratelimit-remaining'])).toBe(Number(a.headers['x-ratelimit-remaining']) - 1);
  });

  it('429s the 26th write within 10 s in test mode, with a JSON:API error', async () => {
    const c = client(rl.app, rl.tokens.admin);
    await alignToWindow();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof c.post>> | undefined;
    for (let i = 0; i < 26; i++) {
      last = await c.post('/api/inventory_models', doc('inventory_models', { name: `Burst ${i}` }));
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(201));
    jsonApiError(last!, 429);
    expect(last!.headers['x-ratelimit-remaining']).toBe('0');
    expect(last!.headers['x-ratelimit-reset']).toBeUndefined();
    // the refused write was not applied; cacheable reads are another class and still served
    const list = await c.get('/api/inventory_models?filter[q][name_start]=Burst');
    expect(list.status).toBe(200);
    expect(list.body.meta.record_count).toBe(25);
  });

  it('limits /oauth/token to 30 requests a minute', async () => {
    const codes: number[] = [];
    let res: Awaited<ReturnType<typeof rl.app.inject>> | undefined;
    for (let i = 0; i < 35 && res?.statusCode !== 429; i++) {
      res = await rl.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: 'nobody-at-all' },
      });
      codes.push(res.statusCode);
    }
    expect(res!.statusCode).toBe(429);
    expect(res!.json().errors[0]).toMatchObject({ status: 429 });
    // createTestApp spent a few of the 30 on its own tokens
    expect(codes.filter((c) => c === 401).length).toBeGreaterThanOrEqual(25);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(30);
  });

  it('never 429s with RATE_LIMITS off', async () => {
    for (let i = 0; i < 60; i++) {
      const res = await api.post('/api/inventory_models', doc('inventory_models', { name: `Unlimited ${i}` }));
      expect(res.status).toBe(201);
    }
  });
});

describe('RateLimiter', () => {
  const limit = (n: number, windowS = 10, key = 'k'): Limit => ({ key, limit: n, windowS });

  it('refuses once the limit is reached and counts refused requests for nothing', () => {
    let now = 1_000_000;
    const rl = new RateLimiter(() => now);
    const seen = [1, 2, 3, 4].map(() => rl.hit([limit(3)]));
    expect(seen.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(seen.map((v) => v.headers['X-Ratelimit-Remaining'])).toEqual(['2', '1', '0', '0']);
    expect(seen[0]!.headers).toMatchObject({ 'X-Ratelimit-Limit': '3', 'X-Ratelimit-Interval': '10' });
    now += 9_000;
    expect(rl.hit([limit(3)]).allowed).toBe(false); // same window
  });

  it('slides: the previous window weighs in proportion to what is left of it', () => {
    let now = 0;
    const rl = new RateLimiter(() => now);
    for (let i = 0; i < 4; i++) expect(rl.hit([limit(4)]).allowed).toBe(true);
    now = 10_000; // a new fixed window starts, but the last 10 s still hold 4 requests
    expect(rl.hit([limit(4)]).allowed).toBe(false);
    now = 15_000; // half of the previous window is still inside the last 10 s: about 2 used
    expect(rl.hit([limit(4)]).allowed).toBe(true);
    expect(rl.hit([limit(4)]).allowed).toBe(true);
    expect(rl.hit([limit(4)]).allowed).toBe(false);
    now = 17_500; // a quarter of it is left: 1 + 2 used, one more fits
    expect(rl.hit([limit(4)]).allowed).toBe(true);
    expect(rl.hit([limit(4)]).allowed).toBe(false);
    now = 40_000; // two windows later: nothing left
    const v = rl.hit([limit(4)]);
    expect(v.allowed).toBe(true);
    expect(v.headers['X-Ratelimit-Remaining']).toBe('3');
  });

  it('applies every limit, reports the tightest, and keeps keys apart', () => {
    const now = 0;
    const rl = new RateLimiter(() => now);
    const both = [limit(5, 60, 'avg'), limit(2, 10, 'burst')];
    expect(rl.hit(both).headers).toMatchObject({
      'X-Ratelimit-Limit': '2',
      'X-Ratelimit-Interval': '10',
      'X-Ratelimit-Remaining': '1',
    });
    expect(rl.hit(both).allowed).toBe(true);
    expect(rl.hit(both).allowed).toBe(false);
    // the burst refusal did not use up the average limit
    const avgOnly = rl.hit([limit(5, 60, 'avg')]);
    expect(avgOnly.allowed).toBe(true);
    expect(avgOnly.headers['X-Ratelimit-Remaining']).toBe('2');
    expect(rl.hit([limit(2, 10, 'other')]).allowed).toBe(true);
    rl.prune();
    expect(rl.hit(both).allowed).toBe(false);
  });

  it('uses the numbers of docs/wire-format.md#rate-limits', () => {
    const nums = (l: Limit[]) => l.map((x) => [x.limit, x.windowS]);
    expect(nums(limitsFor('1.2.3.4', 'test', 'POST', 'inventory_models', 'POST /api/inventory_models'))).toEqual([
      [100, 60],
      [25, 10],
    ]);
    expect(nums(limitsFor('1.2.3.4', 'live', 'PATCH', 'inventory_models', 'PATCH /api/inventory_models/:id'))).toEqual([
      [200, 60],
      [50, 10],
    ]);
    expect(nums(limitsFor('1.2.3.4', 'test', 'GET', 'inventory_models', 'GET /api/inventory_models'))).toEqual([
      [500, 60],
      [125, 10],
    ]);
    expect(nums(limitsFor('1.2.3.4', 'live', 'GET', 'stock_items', 'GET /api/stock_items'))).toEqual([
      [1000, 60],
      [250, 10],
    ]);
    expect(nums(limitsFor('1.2.3.4', 'live', 'GET', 'orders', 'GET /api/orders'))).toEqual([
      [200, 60],
      [50, 10],
    ]);
  });
});
