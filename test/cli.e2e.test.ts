import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials, TestApp } from './helpers/app';
import { type CliHarness, type CliResult, startCliHarness } from './helpers/cli-harness';
import { factory } from './helpers/factory';
import { type Client, doc } from './helpers/http';
import { rel } from './helpers/lifecycle';
import { network, order, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

// The official Commerce Layer CLI 6 with its resources, triggers and token plugins, unmodified,
// against a real Allot behind a TLS proxy (test/helpers/cli-harness.ts; README "The official CLI").
// Every CLI process starts oclif (about a second): the suite keeps to ~20 invocations.
const DOMAIN = 'allot.localhost';
const HOST = `https://local.${DOMAIN}`;
const SLOW = 180_000;

let t: TestApp;
let api: Client;
let cli: CliHarness;
let admin: Credentials;
useTestApp({ clean: true, env: { TRUST_PROXY: 'loopback' } }, (s) => ({ t, api } = s));
beforeAll(async () => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const backend = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  cli = await startCliHarness({ backend, domain: DOMAIN });
  admin = await t.application({ name: 'CLI admin' });
}, 60_000);
afterAll(() => cli?.close());

/** A command that must succeed. */
async function ok(args: string[]): Promise<CliResult> {
  const r = await cli.run(args);
  expect(r.code, `commercelayer ${args.join(' ')}\n${r.output}`).toBe(0);
  return r;
}
/** The JSON a command printed with -j -u (or -R -u). */
const json = (r: CliResult) =>
  JSON.parse(
    r.stdout
      .trim()
      .split('\n')
      .find((l) => /^[[{]/.test(l)) ?? 'null',
  );

describe('commercelayer applications:login', () => {
  it('logs in with -o/-d/-i/-s, reading /api/organization and /api/application', { timeout: SLOW }, async () => {
    const r = await ok([
      'applications:login',
      ...['-o', 'local', '-d', DOMAIN, '-i', admin.client_id, '-s', admin.client_secret!, '-a', 'allot-admin'],
    ]);
    expect(r.stdout).toContain('Login successful!');
    expect(r.stdout).toMatch(
      /Current application: CLI admin \(local\) \[ local \| integration \| test \| allot-admin \]/,
    );
    expect(cli.requests).toEqual([
      `POST auth.${DOMAIN}/oauth/token`,
      `GET local.${DOMAIN}/api/organization`,
      `GET local.${DOMAIN}/api/application`,
    ]);
  });
});

describe('commercelayer resources:*', () => {
  let modelId: string;

  it('creates with string attributes and a relationship', { timeout: SLOW }, async () => {
    const created = json(
      await ok([
        'resources:create',
        'inventory_models',
        ...['-a', 'name=CLI model', '-a', 'reference=cli-1', '-a', 'strategy=split_shipments', '-j', '-u'],
      ]),
    );
    expect(created).toMatchObject({ type: 'inventory_models', name: 'CLI model', reference: 'cli-1' });
    modelId = created.id;
    expect((await api.get(`/api/inventory_models/${modelId}`)).body.data.attributes.strategy).toBe('split_shipments');

    const address = await factory(api).address();
    const location = json(
      await ok([
        'resources:create',
        'stock_locations',
        ...['-a', 'name=CLI Milano', '-a', `code=cli-mi-${modelId}`, '-r', `address=addresses/${address}`, '-j', '-u'],
      ]),
    );
    expect(location).toMatchObject({ type: 'stock_locations', name: 'CLI Milano' });
    const res = await api.get(`/api/stock_locations/${location.id}/address`);
    expect(res.body.data.id).toBe(address);
    await factory(api).inventoryStockLocation(modelId, location.id, 1);
  });

  // -a sends every value as a JSON string: Allot casts them as Commerce Layer does (docs/wire-format.md#casting)
  it('creates with numbers and booleans given with -a', { timeout: SLOW }, async () => {
    const model = json(
      await ok([
        'resources:create',
        'inventory_models',
        ...[
          '-a',
          'name=Numbers from the CLI',
          '-a',
          'stock_locations_cutoff=2',
          '-a',
          'manual_stock_decrement=true',
          '-j',
          '-u',
        ],
      ]),
    );
    expect(model).toMatchObject({ stock_locations_cutoff: 2, manual_stock_decrement: true });
    const sku = json(
      await ok([
        'resources:create',
        'skus',
        ...['-a', `code=CLI-${model.id}`, '-a', 'name=Gift card', '-a', 'do_not_ship=true', '-j', '-u'],
      ]),
    );
    expect(sku).toMatchObject({ do_not_ship: true, do_not_track: false });
    const location = await factory(api).stockLocation();
    const isl = json(
      await ok([
        'resources:create',
        'inventory_stock_locations',
        ...['-a', 'priority=1', '-a', 'on_hold=false'],
        ...['-r', `inventory_model=inventory_models/${model.id}`, '-r', `stock_location=stock_locations/${location}`],
        ...['-j', '-u'],
      ]),
    );
    expect(isl).toMatchObject({ priority: 1, on_hold: false });
  });

  it('is refused with 422 and the pointer when an -a value does not cast', { timeout: SLOW }, async () => {
    const r = await cli.run([
      'resources:create',
      'inventory_models',
      '-a',
      'name=Refused from the CLI',
      '-a',
      'stock_locations_cutoff=two',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('VALIDATION_ERROR');
    expect(r.output).toContain('/data/attributes/stock_locations_cutoff');
  });

  it('lists with a filter, a sort and an include', { timeout: SLOW }, async () => {
    await factory(api).inventoryModel({ name: 'CLI other' });
    await factory(api).inventoryModel({ name: 'Not from the CLI' });
    const list = json(
      await ok([
        'resources:list',
        'inventory_models',
        ...['-w', 'name_start=CLI', '-s', 'name,desc', '-i', 'inventory_stock_locations', '-j', '-u'],
      ]),
    );
    expect(list.map((m: any) => m.name)).toEqual(['CLI other', 'CLI model']);
    expect(list[1].inventory_stock_locations).toEqual([
      expect.objectContaining({ type: 'inventory_stock_locations', priority: 1 }),
    ]);
  });

  it('gets the raw document, whose links name the https host behind the proxy', { timeout: SLOW }, async () => {
    const raw = json(await ok(['resources:get', `inventory_models/${modelId}`, '-R', '-j', '-u']));
    expect(raw.data.links.self).toBe(`${HOST}/api/inventory_models/${modelId}`);
    expect(raw.data.relationships.inventory_stock_locations.links.related).toBe(
      `${HOST}/api/inventory_models/${modelId}/inventory_stock_locations`,
    );
  });

  it('updates string attributes and merges metadata', { timeout: SLOW }, async () => {
    const updated = json(
      await ok([
        'resources:update',
        'inventory_models',
        modelId,
        ...['-a', 'name=CLI model v2', '-m', 'team=ops', '-j', '-u'],
      ]),
    );
    expect(updated).toMatchObject({ name: 'CLI model v2', reference: 'cli-1', metadata: { team: 'ops' } });
  });

  it('deletes, and then reports the record as not found', { timeout: SLOW }, async () => {
    const model = await factory(api).inventoryModel({ name: 'CLI doomed' });
    const r = await ok(['resources:delete', 'inventory_models', model]);
    expect(r.stdout).toContain(`Successfully deleted resource of type inventory_models with id ${model}`);
    expect((await api.get(`/api/inventory_models/${model}`)).status).toBe(404);
    const gone = await cli.run(['resources:get', 'inventory_models', model]);
    expect(gone.code).not.toBe(0);
    expect(gone.output).toContain('RECORD_NOT_FOUND');
  });
});

describe('commercelayer triggers', () => {
  const status = async (type: string, id: string) =>
    (await api.get(`/api/${type}/${id}`)).body.data.attributes.status as string;

  it('order:place and order:approve, then shipment:packing, :ready_to_ship and :ship', { timeout: SLOW }, async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = await order(api, n, { X: 2 });
    const placed = json(await ok(['order:place', id, '-p', '-j', '-u']));
    expect(placed).toMatchObject({ id, status: 'placed' });
    await ok(['order:approve', id]);
    expect(await status('orders', id)).toBe('approved');
    const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
    for (const step of ['packing', 'ready_to_ship', 'ship']) {
      const r = await ok([`shipment:${step}`, shipment.id]);
      expect(r.stdout).toContain(`Action ${step} executed without errors`);
    }
    expect(await status('shipments', shipment.id)).toBe('shipped');
  });

  it('return:request and return:approve', { timeout: SLOW }, async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    await factory(api).create(
      api,
      'inventory_return_locations',
      { priority: 1 },
      {
        inventory_model: { type: 'inventory_models', id: n.model },
        stock_location: { type: 'stock_locations', id: n.loc.A! },
      },
    );
    const id = await order(api, n, { X: 1 });
    for (const s of ['_place', '_approve']) await trigger(api, 'orders', id, s);
    const [shipment] = (await api.get(`/api/orders/${id}/shipments`)).body.data;
    for (const s of ['_packing', '_ready_to_ship', '_ship']) await trigger(api, 'shipments', shipment.id, s);
    const [line] = (await api.get(`/api/orders/${id}/line_items`)).body.data;
    const ret = (await api.post('/api/returns', doc('returns', {}, { order: rel('orders', id) }))).body.data.id;
    const rli = await api.post(
      '/api/return_line_items',
      doc('return_line_items', { quantity: 1 }, { return: rel('returns', ret), line_item: rel('line_items', line.id) }),
    );
    expect(rli.status).toBe(201);
    await ok(['return:request', ret]);
    expect(await status('returns', ret)).toBe('requested');
    await ok(['return:approve', ret]);
    expect(await status('returns', ret)).toBe('approved');
  });

  it('stock_transfer:upcoming, :picking, :in_transit and :complete move the stock', { timeout: SLOW }, async () => {
    const n = await network(api, { stock: { X: { A: 4, B: 0 } } });
    const res = await api.post(
      '/api/stock_transfers',
      doc(
        'stock_transfers',
        { sku_code: n.code('X'), quantity: 3 },
        {
          origin_stock_location: rel('stock_locations', n.loc.A!),
          destination_stock_location: rel('stock_locations', n.loc.B!),
        },
      ),
    );
    const id = res.body.data.id;
    for (const step of ['upcoming', 'picking', 'in_transit', 'complete']) await ok([`stock_transfer:${step}`, id]);
    expect(await status('stock_transfers', id)).toBe('completed');
    const quantity = async (item: string) => (await api.get(`/api/stock_items/${item}`)).body.data.attributes.quantity;
    expect([await quantity(n.item['X@A']!), await quantity(n.item['X@B']!)]).toEqual([1, 3]);
  });
});

describe('commercelayer token:revoke', () => {
  it('revokes the token the CLI saved; the next command is refused with INVALID_TOKEN', { timeout: SLOW }, async () => {
    const dir = path.join(cli.home, 'config/@commercelayer/cli/applications');
    const file = (await readdir(dir)).find((f) => f.endsWith('.token.json'))!;
    const { accessToken } = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
    const r = await ok([
      'token:revoke',
      ...['-o', 'local', '-d', DOMAIN, '-i', admin.client_id, '-s', admin.client_secret!, accessToken],
    ]);
    expect(r.stdout).toContain('The access token has been successfully revoked');
    expect(cli.requests).toContain(`POST auth.${DOMAIN}/oauth/revoke`);
    const refused = await cli.run(['resources:list', 'inventory_models']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('INVALID_TOKEN');
    expect(refused.output).toContain('The access token has been revoked.');
  });
});

describe('a sales channel through the CLI', () => {
  it('logs in with a market scope and reads a SKU with its availability', { timeout: SLOW }, async () => {
    const n = await network(api, { stock: { X: { A: 7 } } });
    const market = (await api.get(`/api/markets/${n.market}`)).body.data.attributes.code;
    const shop = await t.application({ name: 'CLI shop', kind: 'sales_channel', role: undefined });
    const login = await ok([
      'applications:login',
      ...['-o', 'local', '-d', DOMAIN, '-i', shop.client_id, '-S', `market:code:${market}`, '-a', 'allot-shop'],
    ]);
    expect(login.stdout).toMatch(/CLI shop \(local\) \[ local \| sales_channel \| test \| allot-shop \]/);
    const sku = json(await ok(['resources:get', 'skus', n.sku.X!, '-j', '-u']));
    expect(sku).toMatchObject({ code: n.code('X'), inventory: { available: true, quantity: 7 } });
  });
});
