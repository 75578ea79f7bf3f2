import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, client, doc } from './helpers/http';
import { importAndSettle } from './helpers/jobs';
import { expectClean, type Network, network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

/** `stock_movements` (Allot extension): the ledger through the API, who and what, and the counters as of a time. */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

const rel = (type: string, id: string) => ({ data: { type, id } });
const ledger = async (url: string) => {
  const res = await api.get(url);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
type Movement = Record<string, any>;
const rows = (body: { data: Array<{ id: string; attributes: Movement }> }): Movement[] =>
  body.data.map((d) => ({ id: d.id, ...d.attributes }));
const appId = async (c: Client) => (await c.get('/api/application')).body.data.id as string;

/** A stock item's movements replayed by time from the full list: what as_of must agree with. */
const replay = (all: Array<Record<string, any>>, at: number) =>
  all
    .filter((m) => Date.parse(m.created_at) <= at)
    .reduce((c, m) => ({ quantity: c.quantity + m.quantity_delta, reserved: c.reserved + m.reserved_delta }), {
      quantity: 0,
      reserved: 0,
    });

async function everything(item: string) {
  const out: Array<Record<string, any>> = [];
  for (let page = 1; ; page++) {
    const body = await ledger(`/api/stock_items/${item}/stock_movements?page[size]=25&page[number]=${page}`);
    out.push(...rows(body));
    if (page >= body.meta.page_count) return out;
  }
}

describe('stock_movements', () => {
  it('lists a ledger newest first, the counters after each movement, who and the order behind it', async () => {
    const n = await network(api, { stock: { X: { A: 10 } } });
    const item = n.item['X@A']!;
    const id = await order(api, n, { X: 3 });
    const placed = await trigger(api, 'orders', id, '_place');
    expect(placed.status).toBe(200);
    await api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity: 12 }, {}, item)); // a count
    const body = await ledger(`/api/stock_items/${item}/stock_movements?include=stock_item,sku,stock_location`);
    expect(body.meta.record_count).toBe(3);
    const [count, reserved, created] = rows(body);
    expect([count, reserved, created].map((m) => [m!.reason, m!.quantity_delta, m!.reserved_delta])).toEqual([
      ['adjusted', 2, 0],
      ['reserved', 0, 3],
      ['created', 10, 0],
    ]);
    expect([count, reserved, created].map((m) => [m!.quantity_after, m!.reserved_after])).toEqual([
      [12, 3],
      [10, 3],
      [10, 0],
    ]);
    const admin = await appId(api);
    expect(reserved).toMatchObject({ source_type: 'orders', source_id: id, application_id: admin });
    expect(typeof reserved!.request_id).toBe('string');
    expect(count).toMatchObject({ source_type: null, source_id: null, application_id: admin });
    expect(count!.request_id).not.toBe(reserved!.request_id);
    expect(count!.updated_at).toBe(count!.created_at);
    expect(body.data[0].relationships.stock_item.data).toEqual({ type: 'stock_items', id: item });
    expect(body.included.map((r: { type: string }) => r.type).sort()).toEqual([
      'skus',
      'stock_items',
      'stock_locations',
    ]);
    // one movement by id, and its relationship links
    const one = await ledger(`/api/stock_movements/${reserved!.id}`);
    expect(one.data).toMatchObject({ id: reserved!.id, type: 'stock_movements', attributes: { quantity_after: 10 } });
    expect((await ledger(`/api/stock_movements/${reserved!.id}/sku`)).data.id).toBe(n.sku.X);
    for (const bad of ['999999999', 'abc', '12a'])
      expect((await api.get(`/api/stock_movements/${bad}`)).status).toBe(404);
    await expectClean(t);
  });

  it('names the transfer, the return and the import behind their movements', async () => {
    const n = await network(api, { strategy: 'ship_from_primary', stock: { X: { A: 0, B: 5 } } });
    const id = await order(api, n, { X: 2 });
    await trigger(api, 'orders', id, '_place');
    const [tr] = (await api.get(`/api/orders/${id}/stock_transfers`)).body.data;
    for (const s of ['_picking', '_in_transit', '_complete'])
      expect((await trigger(api, 'stock_transfers', tr.id, s)).status).toBe(200);
    const [out] = rows(await ledger(`/api/stock_movements?filter[q][stock_item_id_eq]=${n.item['X@B']}`));
    expect(out).toMatchObject({ reason: `transfer_out ${tr.id}`, source_type: 'stock_transfers', source_id: tr.id });
    expect(out!.application_id).toBe(await appId(api));
    const inA = `filter[q][stock_item_id_eq]=${n.item['X@A']}&filter[q][reason_start]=transfer`;
    const [inn] = rows(await ledger(`/api/stock_movements?${inA}`));
    expect(inn).toMatchObject({ reason: `transfer_in ${tr.id}`, source_type: 'stock_transfers', source_id: tr.id });
    // the order ships from A, then part of it comes back and is restocked there
    await trigger(api, 'orders', id, '_approve');
    const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
    for (const s of ['_packing', '_ready_to_ship', '_ship']) await trigger(api, 'shipments', shipment.id, s);
    const [line] = (await api.get(`/api/orders/${id}/line_items`)).body.data;
    const ret = await api.post(
      '/api/returns',
      doc('returns', {}, { order: rel('orders', id), stock_location: rel('stock_locations', n.loc.A!) }),
    );
    expect(ret.status, JSON.stringify(ret.body)).toBe(201);
    const rid = ret.body.data.id;
    await api.post(
      '/api/return_line_items',
      doc('return_line_items', { quantity: 1 }, { return: rel('returns', rid), line_item: rel('line_items', line.id) }),
    );
    for (const s of ['_request', '_approve', '_receive', '_restock'])
      expect((await trigger(api, 'returns', rid, s)).status).toBe(200);
    const [restock] = rows(await ledger(`/api/stock_items/${n.item['X@A']}/stock_movements`));
    expect(restock).toMatchObject({ reason: `restock return ${rid}`, source_type: 'returns', source_id: rid });
    expect(restock).toMatchObject({ quantity_delta: 1, quantity_after: 1, reserved_after: 0 });
    // an import's counts name it
    const imp = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: n.loc.B,
      inputs: [{ sku_code: n.code('X'), quantity: 40 }],
    });
    expect(imp.status).toBe('completed');
    const [fromImport] = rows(
      await ledger(`/api/stock_items/${n.item['X@B']}/stock_movements?filter[q][reason_start]=imp`),
    );
    expect(fromImport).toMatchObject({ source_type: 'imports', source_id: imp.id, quantity_after: 40 });
    await expectClean(t);
  });

  it('filters by stock item, SKU, location, reason and time, sorts, pages', async () => {
    const n = await network(api, { stock: { X: { A: 5, B: 6 }, Y: { A: 7 } } });
    for (const q of [8, 9, 10])
      await api.patch(`/api/stock_items/${n.item['X@A']}`, doc('stock_items', { quantity: q }, {}, n.item['X@A']));
    const ids = async (query: string) => rows(await ledger(`/api/stock_movements?${query}`)).map((m) => m.id);
    const all = await everything(n.item['X@A']!);
    expect(all.map((m) => m.quantity_after)).toEqual([10, 9, 8, 5]);
    expect(all.map((m) => Number(m.id))).toEqual([...all.map((m) => Number(m.id))].sort((a, b) => b - a));
    const page = await ledger(
      `/api/stock_movements?filter[q][stock_item_id_eq]=${n.item['X@A']}&page[size]=3&page[number]=2`,
    );
    expect(page.meta).toMatchObject({ record_count: 4, page_count: 2 });
    expect(rows(page).map((m) => m.id)).toEqual([all[3]!.id]);
    expect(await ids(`filter[q][sku_id_eq]=${n.sku.X}&page[size]=25`)).toHaveLength(5);
    expect(await ids(`filter[q][sku_code_eq]=${n.code('X')}&page[size]=25`)).toHaveLength(5);
    expect(await ids(`filter[q][stock_location_id_eq]=${n.loc.A}&page[size]=25`)).toHaveLength(5);
    const adjusted = `filter[q][stock_item_id_eq]=${n.item['X@A']}&filter[q][reason_eq]=adjusted`;
    expect(await ids(adjusted)).toEqual(all.slice(0, 3).map((m) => m.id));
    expect(await ids(`filter[q][sku_id_eq]=${n.sku.Y}&filter[q][reason_start]=creat`)).toHaveLength(1);
    const mid = all[2]!.created_at as string; // the first count
    const item = `filter[q][stock_item_id_eq]=${n.item['X@A']}`;
    expect(await ids(`${item}&filter[q][created_at_gteq]=${mid}`)).toEqual(all.slice(0, 3).map((m) => m.id));
    expect(await ids(`${item}&filter[q][created_at_gt]=${mid}`)).toEqual(all.slice(0, 2).map((m) => m.id));
    expect(await ids(`${item}&filter[q][created_at_lteq]=${mid}`)).toEqual(all.slice(2).map((m) => m.id));
    expect(await ids(`${item}&filter[q][created_at_lt]=${mid}`)).toEqual(all.slice(3).map((m) => m.id));
    expect(await ids(`${item}&sort=created_at`)).toEqual(all.map((m) => m.id).reverse());
    expect(await ids(`${item}&sort=-created_at`)).toEqual(all.map((m) => m.id));
    expect((await api.get('/api/stock_movements?filter[q][id_eq]=abc')).status).toBe(400);
    expect((await api.get('/api/stock_movements?sort=reason')).status).toBe(400);
  });

  it('keeps a deleted stock item’s ledger, replayed from its start', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const item = n.item['X@A']!;
    await api.patch(`/api/stock_items/${item}`, doc('stock_items', { quantity: 7 }, {}, item));
    expect((await api.delete(`/api/stock_items/${item}`)).status).toBe(204);
    const left = rows(await ledger(`/api/stock_movements?filter[q][stock_item_id_eq]=${item}`));
    expect(left.map((m) => [m.reason, m.quantity_delta, m.quantity_after])).toEqual([
      ['deleted', -7, 0],
      ['adjusted', 2, 7],
      ['created', 5, 5],
    ]);
    const old = await ledger(`/api/stock_movements?filter[q][stock_item_id_eq]=${item}&as_of=${left[1]!.created_at}`);
    expect(old.meta.as_of).toMatchObject({ quantity: 7, reserved: 0 });
  });

  it('integration tokens read it, admin and read_only alike; sales channels are refused as for versions', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const item = n.item['X@A']!;
    const ro = client(t.app, t.tokens.readOnly);
    expect((await ro.get(`/api/stock_items/${item}/stock_movements`)).body.meta.record_count).toBe(1);
    expect((await ro.get('/api/stock_movements')).status).toBe(200);
    const creds = await t.application({ kind: 'sales_channel', role: undefined });
    const sc = client(t.app, await t.token(creds, `market:id:${n.market}`));
    const versions = await sc.get('/api/versions');
    expect(versions.status).toBe(401);
    for (const url of ['/api/stock_movements', `/api/stock_items/${item}/stock_movements`]) {
      const res = await sc.get(url);
      expect(res.status, url).toBe(401);
      expect(res.body.errors[0].code).toBe(versions.body.errors[0].code);
    }
    const openapi = (await api.get('/openapi.json')).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/stock_movements', '/api/stock_movements/{stock_movementId}']),
    );
    const params = openapi.paths['/api/stock_items/{stock_itemId}/stock_movements'].get.parameters;
    expect(params.map((p: { name: string }) => p.name)).toContain('as_of');
  });

  it('as_of: a bad time or no single stock item is a 400 in the catalogue’s format', async () => {
    const n = await network(api, { stock: { X: { A: 5, B: 1 } } });
    const bad = await api.get(`/api/stock_items/${n.item['X@A']}/stock_movements?as_of=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'INVALID_FIELD_VALUE', source: { parameter: 'as_of' } });
    const none = await api.get('/api/stock_movements?as_of=2026-01-01T00:00:00Z');
    expect(none.status).toBe(400);
    expect(none.body.errors[0].code).toBe('PARAM_MISSING');
    const two = `filter[q][stock_item_id_in]=${n.item['X@A']},${n.item['X@B']}`;
    expect((await api.get(`/api/stock_movements?${two}&as_of=2026-01-01T00:00:00Z`)).status).toBe(400);
    const before = await ledger(`/api/stock_items/${n.item['X@A']}/stock_movements?as_of=2000-01-01T00:00:00Z`);
    expect(before.meta.as_of).toEqual({ at: '2000-01-01T00:00:00.000Z', quantity: 0, reserved: 0 });
  });

  it('as of a time = the ledger replayed to it = the counters seen then, sampled in a placement storm', async () => {
    const n: Network = await network(api, { stock: { X: { A: 500 } } });
    const item = n.item['X@A']!;
    const orders = await Promise.all(
      Array.from({ length: 30 }, () => order(api, n, { X: 1 + Math.floor(Math.random() * 3) })),
    );
    const samples: Array<{ at: string; quantity: number; reserved: number }> = [];
    let storming = true;
    // counters read under the stock item's lock (every movement is written under it): exact at `at`
    const sampler = (async () => {
      while (storming) {
        const [s] = await t.database.sql.begin(async (tx) => {
          const [c] = await tx`select quantity, reserved_quantity from stock_items where id = ${item} for share`;
          const [{ at }] = await tx`select pg_sleep(0.003), to_char(clock_timestamp() at time zone 'UTC',
            'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, pg_sleep(0.003)`;
          return [{ at: at as string, quantity: c!.quantity as number, reserved: c!.reserved_quantity as number }];
        });
        samples.push(s!);
        await new Promise((r) => setTimeout(r, Math.random() * 15));
      }
    })();
    // waves of concurrent placements, so that the samples fall between them as well as within them
    const placed = [];
    for (let w = 0; w < orders.length; w += 6) {
      placed.push(...(await Promise.all(orders.slice(w, w + 6).map((id) => trigger(api, 'orders', id, '_place')))));
      await new Promise((r) => setTimeout(r, 40));
    }
    storming = false;
    await sampler;
    expect(placed.map((p) => p.status)).toEqual(orders.map(() => 200));
    const all = await everything(item);
    expect(all).toHaveLength(31);
    const distinct = new Set(samples.map((s) => s.reserved));
    expect(distinct.size, 'the samples fell at different stages of the storm').toBeGreaterThan(2);
    // and the counters after each movement are its running sums, oldest first
    let run = { quantity: 0, reserved: 0 };
    for (const m of [...all].reverse()) {
      run = { quantity: run.quantity + m.quantity_delta, reserved: run.reserved + m.reserved_delta };
      expect([m.quantity_after, m.reserved_after]).toEqual([run.quantity, run.reserved]);
    }
    // random times across the storm too, each compared with the ledger replayed by hand
    const times = all.map((m) => Date.parse(m.created_at));
    const [lo, hi] = [Math.min(...times), Math.max(...times)];
    const random = Array.from({ length: 12 }, () => new Date(lo + Math.random() * (hi - lo)).toISOString());
    for (const at of [...samples.map((s) => s.at), ...random, ...all.map((m) => m.created_at as string)]) {
      const body = await ledger(
        `/api/stock_items/${item}/stock_movements?as_of=${encodeURIComponent(at)}&page[size]=1`,
      );
      expect(body.meta.as_of, at).toEqual({ at, ...replay(all, Date.parse(at)) });
    }
    for (const s of samples) {
      const body = await ledger(`/api/stock_movements?filter[q][stock_item_id_eq]=${item}&as_of=${s.at}&page[size]=1`);
      expect(body.meta.as_of, s.at).toEqual(s);
    }
    await expectClean(t);
  });
});
