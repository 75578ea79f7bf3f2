import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { client, doc } from './helpers/http';
import { network, order, trigger } from './helpers/orders';
import { scrape } from './helpers/prometheus';
import { useTestApp } from './helpers/use-app';

/** `/metrics` behind METRICS_TOKEN: Prometheus text whose counters follow the traffic. */
let t: TestApp;
useTestApp({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } }, (s) => ({ t } = s));

const metrics = async () => {
  const res = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return scrape(res.body);
};

describe('/metrics', () => {
  it('answers only with the token', async () => {
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456780' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('parses as Prometheus text, with every family the README lists', async () => {
    const m = await metrics();
    for (const name of [
      'allot_http_requests_total',
      'allot_http_request_duration_seconds',
      'allot_db_statement_duration_seconds',
      'allot_db_statements_in_flight',
      'allot_response_cache_lookups_total',
      'allot_placements_total',
      'allot_stock_holds_refused_total',
      'allot_rate_limited_total',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(m.families.has(name), name).toBe(true);
    expect(m.families.get('allot_http_request_duration_seconds')!.type).toBe('HISTOGRAM');
  });

  it('moves with traffic: requests by route and status, statements, cache lookups, placements, holds \
refused', async () => {
    const api = client(t.app, t.tokens.admin);
    const f = factory(api);
    const market = await f.twoLocationMarket({ cutoff: 2, code: 'metrics', quantities: [5, 5] });
    const shop = client(
      t.app,
      await t.token(await t.application({ kind: 'sales_channel', role: undefined }), 'market:code:metrics'),
    );
    const n = await network(api, { stock: { X: { A: 2 } } });
    const before = await metrics();

    for (let i = 0; i < 3; i++) expect((await shop.get(`/api/skus/${market.sku}`)).status).toBe(200);
    expect((await api.get('/api/skus/nope')).status).toBe(404);
    const [first, second] = [await order(api, n, { X: 2 }), await order(api, n, { X: 1 })];
    expect((await trigger(api, 'orders', first, '_place')).status).toBe(200);
    expect((await trigger(api, 'orders', second, '_place')).status).toBe(422); // the stock went to the first
    expect((await trigger(api, 'orders', first, '_place')).status).toBe(200); // placed already: no placement
    const after = await metrics();

    const reqs = (labels: Record<string, string>) =>
      after.value('allot_http_requests_total', labels) - before.value('allot_http_requests_total', labels);
    expect(reqs({ method: 'GET', route: '/api/skus/:id', status: '200' })).toBe(3);
    expect(reqs({ method: 'GET', route: '/api/skus/:id', status: '404' })).toBe(1);
    expect(reqs({ method: 'PATCH', route: '/api/orders/:id', status: '200' })).toBe(2);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    // the first read found nothing kept, the next two were served from memory
    expect(delta('allot_response_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(delta('allot_response_cache_lookups_total', { result: 'hit' })).toBe(2);
    expect(delta('allot_placements_total', { outcome: 'placed' })).toBe(1);
    expect(delta('allot_placements_total', { outcome: 'refused' })).toBe(1);
    expect(delta('allot_stock_holds_refused_total')).toBe(1);
    expect(delta('allot_db_statement_duration_seconds')).toBeGreaterThan(10);
    expect(after.sum('allot_db_statement_duration_seconds')).toBeGreaterThan(
      before.sum('allot_db_statement_duration_seconds'),
    );
    expect(after.value('allot_db_statements_in_flight')).toBeGreaterThanOrEqual(0);
  });

  it('counts each placement once, where the order service places or refuses it: a replayed request is not \
another placement, and a refusal counts its short holds', async () => {
    const api = client(t.app, t.tokens.admin);
    const n = await network(api, { stock: { X: { A: 3 } } });
    const [placed, short] = [await order(api, n, { X: 2 }), await order(api, n, { X: 2 })];
    const before = await metrics();
    const place = (id: string, key: string) =>
      api.call({
        method: 'PATCH',
        url: `/api/orders/${id}`,
        headers: { 'idempotency-key': key },
        payload: JSON.stringify(doc('orders', { _place: true }, {}, id)),
      });
    // the same request twice under one key: the second is a replay of the first's answer
    expect((await place(placed, `metrics-${placed}`)).status).toBe(200);
    expect((await place(placed, `metrics-${placed}`)).status).toBe(200);
    expect((await place(short, `metrics-${short}`)).status).toBe(422);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      after.value(name, labels) - before.value(name, labels);
    expect(delta('allot_placements_total', { outcome: 'placed' })).toBe(1);
    expect(delta('allot_placements_total', { outcome: 'refused' })).toBe(1);
    expect(delta('allot_stock_holds_refused_total')).toBe(1);
  });
});
