import { decodeJwt } from 'jose';
import type postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { findByClientId } from '../src/auth/applications';
import { MAX_SCOPE_TERMS, resolveScope } from '../src/auth/scope';
import type { Db } from '../src/db/client';
import type { Credentials, TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { client } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/**
 * /oauth/token is bounded (README, "The token endpoint's limits"): a body over 16 KiB is a 413
 * before it is read, a scope of more than MAX_SCOPE_TERMS terms a 400, and any scope is resolved in
 * one statement; so a hostile request costs next to nothing and leaves other requests alone.
 */
let t: TestApp;
let base: string;
let sc: Credentials;
let terms: string[];
let ids: { market: string; locations: string[] };
useTestApp({}, (s) => ({ t } = s));

beforeAll(async () => {
  const f = factory(client(t.app, t.tokens.admin));
  const model = await f.inventoryModel();
  const locations = [];
  for (const code of ['tb-a', 'tb-b', 'tb-c']) {
    const location = await f.stockLocation({ code });
    await f.inventoryStockLocation(model, location, locations.length + 1);
    locations.push(location);
  }
  ids = { market: await f.market(model, { code: 'tb-market' }), locations };
  sc = await t.application({ kind: 'sales_channel', role: undefined });
  // every kind of term, repeated up to the cap
  const kinds = [
    'market:code:tb-market',
    `market:id:${ids.market}`,
    ...['tb-a', 'tb-b', 'tb-c'].map((c) => `stock_location:code:${c}`),
    ...locations.map((id) => `stock_location:id:${id}`),
  ];
  terms = Array.from({ length: MAX_SCOPE_TERMS }, (_, i) => kinds[i % kinds.length]!);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

const token = async (body: Record<string, unknown>) => {
  const t0 = performance.now();
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', ...body }),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as any,
    ms: performance.now() - t0,
  };
};

describe('POST /oauth/token bounds', () => {
  it(`accepts ${MAX_SCOPE_TERMS} valid terms and resolves them in one statement`, async () => {
    const res = await token({ client_id: sc.client_id, scope: terms.join(' ') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const claims = decodeJwt(res.body.access_token) as { market: { id: string[]; stock_location_ids: string[] } };
    expect(claims.market.id).toEqual([ids.market]);
    expect([...claims.market.stock_location_ids].sort()).toEqual([...ids.locations].sort());

    // the statements resolveScope sends, counted on the pool it is given
    let statements = 0;
    const counting = new Proxy(t.database.sql, {
      apply: (target, self, args) => {
        statements++;
        return Reflect.apply(target, self, args);
      },
    }) as postgres.Sql;
    const db = { session: { client: counting } } as unknown as Db;
    const app = (await findByClientId(t.database.db, sc.client_id))!;
    const resolved = await resolveScope(db, app, terms.join(' '));
    expect(resolved.stockLocationIds.sort()).toEqual([...ids.locations].sort());
    expect(statements).toBe(1);
    // and one for a single term as well: the same statement
    await resolveScope(db, app, 'market:code:tb-market');
    expect(statements).toBe(2);
  });

  it(`400s a scope of more than ${MAX_SCOPE_TERMS} terms with INVALID_SCOPE, in OAuth's error shape`, async () => {
    const res = await token({ client_id: sc.client_id, scope: [...terms, 'market:code:tb-market'].join(' ') });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_SCOPE', status: 400, detail: expect.stringMatching(/at most 100/) }),
    ]);
  });

  it('refuses the 50,000-term (0.94 MB) request fast with 413; a normal request meanwhile keeps its pace', async () => {
    const huge = Array.from({ length: 50_000 }, (_, i) => `market:code:m${String(i).padStart(5, '0')}`).join(' ');
    expect(huge.length).toBeGreaterThan(900_000);
    const normal = () => token({ client_id: sc.client_id, scope: 'market:code:tb-market' });
    const alone = await normal();
    expect(alone.status).toBe(200);
    const [hostile, during] = await Promise.all([
      Promise.all(Array.from({ length: 4 }, () => token({ client_id: sc.client_id, scope: huge }))),
      (async () => {
        await new Promise((r) => setTimeout(r, 20));
        return normal();
      })(),
    ]);
    for (const h of hostile) {
      expect(h.status).toBe(413);
      expect(h.type).toMatch(/^application\/json/);
      expect(h.body.errors[0]).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
      // unbounded, each took ~10 s; the bound is generous for a loaded machine
      expect(h.ms).toBeLessThan(3_000);
    }
    expect(during.status).toBe(200);
    expect(during.ms).toBeLessThan(3_000);
    // the same body as a form: the same limit
    const form = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sc.client_id, scope: huge }),
    });
    expect(form.status).toBe(413);
    expect(((await form.json()) as any).errors[0]).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });
});

describe('POST /oauth/token under its rate limit', () => {
  let rl: TestApp;
  useTestApp({ env: { RATE_LIMITS: 'on' } }, (s) => ({ t: rl } = s));

  it('refuses with 429 and Retry-After before reading the body: the limit is checked first', async () => {
    const huge = 'market:code:x '.repeat(70_000);
    let last: Awaited<ReturnType<typeof rl.app.inject>> | undefined;
    for (let i = 0; i < 40 && last?.statusCode !== 429; i++)
      last = await rl.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: 'nobody-at-all' },
      });
    expect(last!.statusCode).toBe(429);
    const big = await rl.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', client_id: 'nobody-at-all', scope: huge },
    });
    // a 413 would mean the body was looked at before the limit
    expect(big.statusCode).toBe(429);
    expect(big.json().errors[0]).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429 });
    expect(big.headers['content-type']).toMatch(/^application\/json/);
    const after = Number(big.headers['retry-after']);
    expect(Number.isInteger(after)).toBe(true);
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThanOrEqual(60);
  });
});

describe('/openapi.json', () => {
  it("lists the token endpoint's 400, 413 and 429 as they come, and Retry-After on every 429", async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const r = doc.paths['/oauth/token'].post.responses;
    expect(Object.keys(r).sort()).toEqual(['200', '400', '401', '413', '429']);
    for (const code of ['400', '413', '429']) expect(Object.keys(r[code].content), code).toEqual(['application/json']);
    let documented = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>))
      for (const [method, op] of Object.entries(ops))
        if (op.responses?.['429']) {
          documented++;
          expect(Object.keys(op.responses['429'].headers ?? {}), `${method} ${path}`).toEqual([
            'Retry-After',
            'X-Ratelimit-Limit',
            'X-Ratelimit-Interval',
            'X-Ratelimit-Remaining',
          ]);
        }
    expect(documented).toBeGreaterThan(20);
  });
});
