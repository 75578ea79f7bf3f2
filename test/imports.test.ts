import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import type { Client } from './helpers/http';
import { download, importAndSettle, postImport, settle } from './helpers/jobs';
import { useTestApp } from './helpers/use-app';

// Imports (README, "Imports and exports") as Commerce Layer has them, through the same write path as the API.
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

let location: string;
let skuCodes: string[];
beforeAll(async () => {
  const f = factory(api);
  location = await f.stockLocation();
  const cat = await f.shippingCategory();
  skuCodes = [];
  for (let i = 0; i < 4; i++) {
    const code = `IMP-${i}`;
    await f.sku({ code }, cat);
    skuCodes.push(code);
  }
});

async function stockOf(code: string, loc = location) {
  const res = await api.get(`/api/stock_items?filter[q][sku_code_eq]=${code}&filter[q][stock_location_id_eq]=${loc}`);
  return res.body.data.map((d: { attributes: { quantity: number } }) => d.attributes.quantity) as number[];
}

describe('stock_items imports', () => {
  it('creates from JSON, then updates the same items (upsert on SKU code + location)', async () => {
    const first = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [
        { sku_code: skuCodes[0], quantity: 10 },
        { sku_code: skuCodes[1], quantity: 20 },
      ],
    });
    expect(first).toMatchObject({ status: 'completed', inputs_size: 2, processed_count: 2, errors_count: 0 });
    expect(first.started_at).toBeTruthy();
    expect(first.completed_at).toBeTruthy();
    const again = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [{ sku_code: skuCodes[0], quantity: 7 }],
    });
    expect(again).toMatchObject({ status: 'completed', processed_count: 1 });
    expect(await stockOf(skuCodes[0]!)).toEqual([7]);
    expect(await stockOf(skuCodes[1]!)).toEqual([20]);
  });

  it('reads CSV (header row, quoted cells, relationship columns) and casts cells by type', async () => {
    const other = await factory(api).stockLocation();
    const csv =
      `sku_code,quantity,stock_location_id,reference\n${skuCodes[2]},5,${other},"a, quoted ""ref"""\n` +
      `\n${skuCodes[3]},6,,plain\n`;
    const imp = await importAndSettle(api, {
      resource_type: 'stock_items',
      format: 'csv',
      parent_resource_id: location,
      inputs: csv,
    });
    expect(imp).toMatchObject({ status: 'completed', format: 'csv', inputs_size: 2, processed_count: 2 });
    expect(await stockOf(skuCodes[2]!, other)).toEqual([5]);
    expect(await stockOf(skuCodes[3]!)).toEqual([6]);
    const res = await api.get(`/api/stock_items?filter[q][reference_start]=a,`);
    expect(res.body.data[0].attributes.reference).toBe('a, quoted "ref"');
  });

  it('logs refused inputs by SKU code with the field and message, and applies the rest', async () => {
    const inputs = [
      ...Array.from({ length: 9 }, (_, i) => ({ sku_code: skuCodes[i % 4], quantity: 30 + i })),
      { sku_code: 'NO-SUCH-SKU', quantity: 1 },
    ];
    const imp = await importAndSettle(api, { resource_type: 'stock_items', parent_resource_id: location, inputs });
    expect(imp).toMatchObject({ status: 'completed', inputs_size: 10, processed_count: 9, errors_count: 1 });
    expect(imp.errors_log).toEqual({ 'NO-SUCH-SKU': { sku_code: ['is not a valid SKU code'] } });
  });

  it('is interrupted as soon as more than 10 % of the inputs fail, unless skip_errors', async () => {
    const inputs = [
      { sku_code: skuCodes[0], quantity: -1 },
      { sku_code: skuCodes[1], quantity: 'many' },
      ...Array.from({ length: 8 }, () => ({ sku_code: skuCodes[2], quantity: 99 })),
    ];
    const stopped = await importAndSettle(api, { resource_type: 'stock_items', parent_resource_id: location, inputs });
    expect(stopped).toMatchObject({ status: 'interrupted', errors_count: 2, processed_count: 0 });
    expect(stopped.interrupted_at).toBeTruthy();
    expect(stopped.errors_log[skuCodes[0]!]).toEqual({ quantity: ['must be greater than or equal to 0'] });
    expect(stopped.errors_log[skuCodes[1]!]).toEqual({ quantity: ['is not a number'] });
    expect(await stockOf(skuCodes[2]!)).not.toContain(99);
    const skipped = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      skip_errors: true,
      inputs,
    });
    expect(skipped).toMatchObject({ status: 'completed', errors_count: 2, processed_count: 8 });
    expect(await stockOf(skuCodes[2]!)).toEqual([99]);
  });

  it('writes through the same ledger and versions as the API: reason import, the import as the request', async () => {
    const imp = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [{ sku_code: skuCodes[0], quantity: 123 }],
    });
    const [move] = await t.database.sql`select m.reason, v.who from stock_movements m
      join versions v on v.txid = m.txid and v.resource_type = 'stock_items'
      where m.quantity_delta <> 0 order by m.id desc limit 1`;
    expect(move!.reason).toBe('import');
    expect(move!.who.request_id).toBe(imp.id);
  });

  it('refuses a quantity below the reserved stock with _validate; without, applies it with a warning', async () => {
    const [item] = await t.database.sql`select si.id from stock_items si join skus s on s.id = si.sku_id
      where s.code = ${skuCodes[1]!} and si.stock_location_id = ${location}`;
    await t.database.sql`insert into stock_reservations (id, mode, quantity, status, stock_item_id, sku_id)
      select 'resv-imp-1', 'test', 5, 'pending', si.id, si.sku_id from stock_items si where si.id = ${item!.id}`;
    await t.database.sql`update stock_items set reserved_quantity = reserved_quantity + 5 where id = ${item!.id}`;
    const imp = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      skip_errors: true,
      inputs: [{ sku_code: skuCodes[1], quantity: 2, _validate: true }],
    });
    expect(imp.errors_log[skuCodes[1]!].quantity[0]).toMatch(/greater than or equal to 5/);
    expect(imp).toMatchObject({ errors_count: 1, warnings_count: 0, warnings_log: {} });
    // without _validate it is a count, as PATCH quantity is: applied, short of the holds, and said as a warning
    const counted = await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [
        { sku_code: skuCodes[1], quantity: 2 },
        { sku_code: skuCodes[0], quantity: 50 },
      ],
    });
    expect(counted).toMatchObject({
      status: 'completed',
      processed_count: 2,
      errors_count: 0,
      errors_log: {},
      warnings_count: 1,
      warnings_log: { [skuCodes[1]!]: ['quantity 2 is below the reserved stock (5): the holds are short by 3'] },
    });
    expect(await stockOf(skuCodes[1]!)).toEqual([2]);
    const [move] = await t.database.sql`select reason from stock_movements where stock_item_id = ${item!.id}
      order by id desc limit 1`;
    expect(move!.reason).toBe('import (short by 3)');
    await t.database.sql`update stock_items set reserved_quantity = reserved_quantity - 5 where id = ${item!.id}`;
    await t.database.sql`delete from stock_reservations where id = 'resv-imp-1'`;
  });
});

describe('every resource type', () => {
  /** Import the same records as JSON and (with other values) as CSV; both land, the second as updates where keyed. */
  async function both(type: string, json: Record<string, unknown>[], csv: string, parent?: string) {
    const a = await importAndSettle(api, { resource_type: type, inputs: json, parent_resource_id: parent });
    expect(a, JSON.stringify(a.errors_log)).toMatchObject({ status: 'completed', errors_count: 0 });
    const b = await importAndSettle(api, {
      resource_type: type,
      format: 'csv',
      inputs: csv,
      parent_resource_id: parent,
    });
    expect(b, JSON.stringify(b.errors_log)).toMatchObject({ status: 'completed', errors_count: 0 });
  }
  const list = async (q: string) =>
    (await api.get(`/api/${q}`)).body.data.map((d: { attributes: object }) => d.attributes);

  it('skus and shipping categories upsert on code', async () => {
    await both(
      'shipping_categories',
      [{ code: 'cat-imp', name: 'Imported' }],
      'code,name\ncat-imp,Renamed\ncat-imp2,Second',
    );
    expect(await list('shipping_categories?filter[q][code_start]=cat-imp&sort=code')).toMatchObject([
      { code: 'cat-imp', name: 'Renamed' },
      { code: 'cat-imp2', name: 'Second' },
    ]);
    const [cat] = await list('shipping_categories?filter[q][code_eq]=cat-imp&fields[shipping_categories]=code');
    expect(cat).toBeTruthy();
    const catId = (await api.get('/api/shipping_categories?filter[q][code_eq]=cat-imp')).body.data[0].id;
    await both(
      'skus',
      [{ code: 'SKU-IMP-1', name: 'One', shipping_category_id: catId, weight: 1.5 }],
      `code,name,shipping_category_id,weight,do_not_track,metadata\nSKU-IMP-1,One again,${catId},2.25,true,"{""a"":1}"`,
    );
    expect(await list('skus?filter[q][code_eq]=SKU-IMP-1')).toMatchObject([
      { name: 'One again', weight: 2.25, do_not_track: true, metadata: { a: 1 } },
    ]);
  });

  it('addresses, stock locations (upsert on code), inventory models and their stock locations', async () => {
    const row = { first_name: 'A', last_name: 'B', line_1: 'Via Roma 1', city: 'Rome', zip_code: '00100', phone: '1' };
    await both(
      'addresses',
      [{ ...row, country_code: 'IT', reference: 'addr-imp' }],
      'first_name,last_name,line_1,city,zip_code,phone,country_code,reference\nC,D,Rue 2,Paris,75001,2,FR,addr-imp',
    );
    const addrs = (await api.get('/api/addresses?filter[q][reference_eq]=addr-imp&sort=created_at')).body.data;
    expect(addrs.map((a: { attributes: { city: string } }) => a.attributes.city)).toEqual(['Rome', 'Paris']);
    await both(
      'stock_locations',
      [{ code: 'wh-imp', name: 'Imported WH', address_id: addrs[0].id }],
      `code,name,address_id,suppress_etd\nwh-imp,Renamed WH,${addrs[1].id},true`,
    );
    const [wh] = (await api.get('/api/stock_locations?filter[q][code_eq]=wh-imp')).body.data;
    expect(wh.attributes).toMatchObject({ name: 'Renamed WH', suppress_etd: true });
    await both(
      'inventory_models',
      [{ name: 'IM imp', stock_locations_cutoff: 2 }],
      'name,stock_locations_cutoff\nIM imp 2,3',
    );
    const models = await api.get('/api/inventory_models?filter[q][name_start]=IM imp&sort=name');
    expect(models.body.data.map((m: { attributes: object }) => m.attributes)).toMatchObject([
      { name: 'IM imp', stock_locations_cutoff: 2 },
      { name: 'IM imp 2', stock_locations_cutoff: 3 },
    ]);
    const [m1, m2] = models.body.data.map((m: { id: string }) => m.id);
    await both(
      'inventory_stock_locations',
      [{ stock_location_id: wh.id, priority: 1 }],
      `stock_location_id,priority,inventory_model_id\n${wh.id},2,${m2}`,
      m1,
    );
    const isl = await api.get(`/api/inventory_stock_locations?filter[q][stock_location_id_eq]=${wh.id}&sort=priority`);
    expect(isl.body.data.map((d: { attributes: { priority: number } }) => d.attributes.priority)).toEqual([1, 2]);
  });

  it('stock transfers: created as drafts, then moved by id with a trigger', async () => {
    const f = factory(api);
    const [from, to] = [await f.stockLocation(), await f.stockLocation()];
    await importAndSettle(api, {
      resource_type: 'stock_items',
      parent_resource_id: from,
      inputs: [{ sku_code: skuCodes[0], quantity: 10 }],
    });
    const rows = [
      { sku_code: skuCodes[0], quantity: 2, origin_stock_location_id: from, destination_stock_location_id: to },
    ];
    await both(
      'stock_transfers',
      rows,
      `sku_code,quantity,origin_stock_location_id,destination_stock_location_id\n${skuCodes[0]},3,${from},${to}`,
    );
    const transfers = (await api.get(`/api/stock_transfers?filter[q][origin_stock_location_id_eq]=${from}`)).body.data;
    expect(transfers.map((d: { attributes: { status: string } }) => d.attributes.status)).toEqual(['draft', 'draft']);
    const moved = await importAndSettle(api, {
      resource_type: 'stock_transfers',
      inputs: transfers.map((d: { id: string }) => ({ id: d.id, _upcoming: true })),
    });
    expect(moved).toMatchObject({ status: 'completed', processed_count: 2 });
    expect(await list(`stock_transfers?filter[q][origin_stock_location_id_eq]=${from}`)).toMatchObject([
      { status: 'upcoming' },
      { status: 'upcoming' },
    ]);
  });
});

describe('the import resource', () => {
  it('gives a signed link to the gzip of its inputs, which expires and names one file', async () => {
    const csv = `sku_code,quantity\n${skuCodes[0]},3`;
    const imp = await importAndSettle(api, {
      resource_type: 'stock_items',
      format: 'csv',
      parent_resource_id: location,
      inputs: csv,
    });
    expect(await download(t.app, imp.attachment_url)).toBe(csv);
    const forged = imp.attachment_url.replace(/signature=[^&]+/, 'signature=AAAA');
    expect((await t.app.inject({ url: forged.replace(/^https?:\/\/[^/]+/, '') })).statusCode).toBe(404);
    const expired = imp.attachment_url.replace(/expires=\d+/, 'expires=1000');
    expect((await t.app.inject({ url: expired.replace(/^https?:\/\/[^/]+/, '') })).statusCode).toBe(404);
  });

  it('refuses an unknown type, more than 10,000 inputs, bad CSV and no inputs with 422', async () => {
    const bad = async (attributes: Record<string, unknown>, pointer: string) => {
      const res = await postImport(api, { resource_type: 'stock_items', ...attributes });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors[0].source.pointer).toBe(pointer);
      return res.body.errors[0];
    };
    await bad({ resource_type: 'markets', inputs: [{}] }, '/data/attributes/resource_type');
    // 1.3 MB: above the API's usual body limit, within an import's
    const many = Array.from({ length: 10_001 }, () => ({ sku_code: 'X'.repeat(100), quantity: 1 }));
    expect((await bad({ inputs: many }, '/data/attributes/inputs_size')).meta).toMatchObject({
      error: 'less_than_or_equal_to',
      count: 10_000,
    });
    await bad({ format: 'csv', inputs: 'a,b\n"unterminated' }, '/data/attributes/inputs');
    await bad({ inputs: [] }, '/data/attributes/inputs');
    await bad({ inputs: 'not an array' }, '/data/attributes/inputs');
    expect((await postImport(api, { resource_type: 'stock_items' })).status).toBe(422);
  });

  it('lets read-only integrations read imports but not create them; sales channels neither', async () => {
    const ro = (await import('./helpers/http')).client(t.app, t.tokens.readOnly);
    expect((await ro.get('/api/imports')).status).toBe(200);
    expect((await postImport(ro, { resource_type: 'stock_items', inputs: [{}] })).status).toBe(401);
    const sc = (await import('./helpers/http')).client(t.app, t.tokens.salesChannel);
    expect((await sc.get('/api/imports')).status).toBe(401);
  });

  it('stops on _interrupt, and deleting it keeps what it imported', async () => {
    await t.database.sql`update imports set status = 'completed' where status in ('pending', 'in_progress')`;
    const res = await postImport(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: Array.from({ length: 3000 }, (_, i) => ({ sku_code: skuCodes[i % 4], quantity: i })),
    });
    const id = res.body.data.id;
    const interrupted = await api.patch(`/api/imports/${id}`, {
      data: { type: 'imports', id, attributes: { _interrupt: true } },
    });
    expect(interrupted.status, JSON.stringify(interrupted.body)).toBe(200);
    const a = await settle(api, 'imports', id);
    expect(a.status).toBe('interrupted');
    expect(a.processed_count).toBeLessThan(3000);
    const before = await stockOf(skuCodes[0]!);
    expect((await api.delete(`/api/imports/${id}`)).status).toBe(204);
    expect((await api.get(`/api/imports/${id}`)).status).toBe(404);
    expect(await stockOf(skuCodes[0]!)).toEqual(before);
  });

  it('allows 10 pending or running imports per organization, then 422', async () => {
    await t.database.sql`update imports set status = 'completed' where status in ('pending', 'in_progress')`;
    const ok = await postImport(api, { resource_type: 'stock_items', parent_resource_id: location, inputs: [{}] });
    expect(ok.status).toBe(201);
    await settle(api, 'imports', ok.body.data.id);
    // nine more waiting (no job rows: no worker moves them), and one running in live mode
    await t.database.sql`insert into imports (id, mode, resource_type, inputs_size, created_by, status)
      select 'busy-' || n, case when n = 1 then 'live' else 'test' end, 'skus', 1, '{}'::jsonb,
        case when n = 1 then 'in_progress' else 'pending' end from generate_series(1, 10) n`;
    const eleventh = await postImport(api, {
      resource_type: 'stock_items',
      parent_resource_id: location,
      inputs: [{}],
    });
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.errors[0].detail).toMatch(/at most 10 imports/);
    await t.database.sql`delete from imports where id like 'busy-%'`;
  });
});
