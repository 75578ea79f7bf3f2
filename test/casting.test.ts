import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { expectInvalid } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, doc } from './helpers/http';
import { network, order, stockOf, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

// Values sent as strings are cast by their attribute's type, as Commerce Layer (Rails) does: the
// official CLI sends every `-a key=value` as a string (docs/wire-format.md#casting).
let t: TestApp;
let api: Client;
useTestApp({ clean: true }, (s) => ({ t, api } = s));

describe('string values', () => {
  it('are stored as integers and booleans, and read back as such', async () => {
    const res = await api.post(
      '/api/inventory_models',
      doc('inventory_models', {
        name: 'Cast',
        stock_locations_cutoff: '3',
        stock_reservation_cutoff: '+600',
        manual_stock_decrement: 'true',
        put_stock_transfers_on_hold: '0',
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const got = (await api.get(`/api/inventory_models/${res.body.data.id}`)).body.data.attributes;
    expect(got).toMatchObject({
      stock_locations_cutoff: 3,
      stock_reservation_cutoff: 600,
      manual_stock_decrement: true,
      put_stock_transfers_on_hold: false,
    });
    const upd = await api.patch(
      `/api/inventory_models/${res.body.data.id}`,
      doc('inventory_models', { stock_locations_cutoff: 5, manual_stock_decrement: false }, {}, res.body.data.id),
    );
    expect(upd.body.data.attributes).toMatchObject({ stock_locations_cutoff: 5, manual_stock_decrement: false });
  });

  it('that do not cast are a 422 with the pointer and the value sent', async () => {
    const res = await api.post(
      '/api/inventory_models',
      doc('inventory_models', { name: 'X', stock_locations_cutoff: 'two', manual_stock_decrement: 'yes' }),
    );
    expectInvalid(res, '/data/attributes/stock_locations_cutoff', 'not_a_number');
    expectInvalid(res, '/data/attributes/manual_stock_decrement', 'inclusion');
    const cutoff = res.body.errors.find((e: any) => e.source.pointer.endsWith('cutoff'));
    expect(cutoff).toMatchObject({ title: 'is not a number', meta: { value: 'two' } });
    expectInvalid(
      await api.post('/api/inventory_models', doc('inventory_models', { name: 'X', stock_locations_cutoff: '2.5' })),
      '/data/attributes/stock_locations_cutoff',
      'not_an_integer',
    );
    expectInvalid(
      await api.post('/api/inventory_models', doc('inventory_models', { name: 'X', stock_locations_cutoff: '11' })),
      '/data/attributes/stock_locations_cutoff',
      'less_than_or_equal_to',
    );
  });

  it('"" is null, as Rails casts a blank string: blank where required', async () => {
    const f = factory(api);
    const [sku, loc] = [await f.sku(), await f.stockLocation()];
    const rels = {
      sku: { data: { type: 'skus', id: sku } },
      stock_location: { data: { type: 'stock_locations', id: loc } },
    };
    expectInvalid(
      await api.post('/api/stock_items', doc('stock_items', { quantity: '' }, rels)),
      '/data/attributes/quantity',
    );
    const item = await api.post('/api/stock_items', doc('stock_items', { quantity: '12' }, rels));
    expect(item.body.data.attributes.quantity).toBe(12);
    const addr = await api.post(
      '/api/addresses',
      doc('addresses', {
        first_name: 'A',
        last_name: 'B',
        line_1: 'x',
        city: 'y',
        zip_code: '1',
        country_code: 'IT',
        phone: '1',
        lat: '45.46',
        lng: '',
      }),
    );
    expect(addr.body.data.attributes).toMatchObject({ lat: 45.46, lng: null });
  });

  it('fire triggers: "true" and "1" do, "false" and "0" do not', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = await order(api, n, { X: 2 });
    const noop = await api.patch(`/api/orders/${id}`, doc('orders', { _place: 'false', _cancel: '0' }, {}, id));
    expect(noop.body.data.attributes.status).toBe('draft');
    const placed = await api.patch(`/api/orders/${id}`, doc('orders', { _place: 'true' }, {}, id));
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.data.attributes.status).toBe('placed');
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 5, reserved: 2 });
    expect((await api.patch(`/api/orders/${id}`, doc('orders', { _approve: '1' }, {}, id))).status).toBe(200);
    expect(await stockOf(t, n.item['X@A']!)).toEqual({ quantity: 3, reserved: 0 });
    expectInvalid(
      await api.patch(`/api/orders/${id}`, doc('orders', { _cancel: 'yes' }, {}, id)),
      '/data/attributes/_cancel',
      'inclusion',
    );
    expect((await trigger(api, 'orders', id, '_cancel')).body.data.attributes.status).toBe('cancelled');
  });
});
