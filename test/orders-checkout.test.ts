import { beforeAll, describe, expect, it } from 'vitest';
import type { Credentials, TestApp } from './helpers/app';
import { expectInvalid, expectLocked } from './helpers/expect';
import { factory } from './helpers/factory';
import { type Client, client, doc, type Res } from './helpers/http';
import { addLine, marketCode, patch, rel } from './helpers/lifecycle';
import { type Network, network, trigger } from './helpers/orders';
import { useTestApp } from './helpers/use-app';

// What a storefront's checkout sends with an order and Allot keeps as data, what it refuses, and
// the market a one-market sales channel's order belongs to (docs/resources.md#orders).
let t: TestApp;
let api: Client;
let sc: Credentials;
useTestApp({ clean: true }, (s) => ({ t, api } = s));
beforeAll(async () => {
  sc = await t.application({ kind: 'sales_channel', role: undefined });
});

const ADDRESS = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  line_1: '1 Main St',
  city: 'Milan',
  zip_code: '20100',
  country_code: 'IT',
  phone: '+39 02 000000',
};
const CHECKOUT = {
  customer_email: 'ada@example.com',
  language_code: 'it',
  coupon_code: 'WELCOME10',
  gift_card_code: 'GC-123',
  cart_url: 'https://shop.example.com/cart',
  return_url: 'https://shop.example.com',
  terms_url: 'https://shop.example.com/terms',
  privacy_url: 'https://shop.example.com/privacy',
  reference: 'web-1',
  reference_origin: 'storefront',
  metadata: { channel: 'web' },
};
const shopper = async (n: Network) => client(t.app, await t.token(sc, `market:code:${await marketCode(api, n)}`));
const notAllowed = (res: Res, pointer: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.errors[0]).toMatchObject({ code: 'PARAM_NOT_ALLOWED', source: { pointer } });
};

describe('an order with what a checkout sends', () => {
  it('stores the attributes and both addresses, which include=shipping_address,billing_address returns', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const [ship, bill] = [await factory(api).address(), await factory(api).address({ city: 'Turin' })];
    const res = await api.post(
      '/api/orders?include=shipping_address',
      doc('orders', CHECKOUT, {
        market: rel('markets', n.market),
        shipping_address: rel('addresses', ship),
        billing_address: rel('addresses', bill),
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.attributes).toMatchObject(CHECKOUT);
    expect(res.body.included).toEqual([expect.objectContaining({ type: 'addresses', id: ship })]);
    const id = res.body.data.id;
    const read = await api.get(`/api/orders/${id}?include=shipping_address,billing_address`);
    expect(read.body.data.relationships.shipping_address.data).toEqual({ type: 'addresses', id: ship });
    expect(read.body.data.relationships.billing_address.data).toEqual({ type: 'addresses', id: bill });
    expect(read.body.included.map((a: any) => a.attributes.city).sort()).toEqual(['Milan', 'Turin']);
    expect((await api.get(`/api/orders/${id}/billing_address`)).body.data.id).toBe(bill);
    expect((await api.get(`/api/orders?filter[q][coupon_code_eq]=WELCOME10`)).body.data.map((o: any) => o.id)).toEqual([
      id,
    ]);

    // changed and cleared like any attribute and to-one; placing ignores them
    const upd = await patch(
      api,
      'orders',
      id,
      { language_code: 'en', coupon_code: null },
      { billing_address: { data: null } },
    );
    expect(upd.body.data.attributes).toMatchObject({ language_code: 'en', coupon_code: null });
    expect((await api.get(`/api/orders/${id}/billing_address`)).body.data).toBeNull();
    expect((await addLine(api, id, { sku_code: n.code('X'), quantity: 2 })).status).toBe(201);
    expect((await trigger(api, 'orders', id, '_place')).body.data.attributes.status).toBe('placed');
    expectLocked(await api.delete(`/api/addresses/${ship}`));
  });

  it.each([
    ['customer_password', 'secret', '/data/attributes/customer_password'],
    ['shipping_country_code_lock', 'IT', '/data/attributes/shipping_country_code_lock'],
    ['place_async', true, '/data/attributes/place_async'],
    ['freight_taxable', true, '/data/attributes/freight_taxable'],
    ['_shipping_address_same_as_billing', true, '/data/attributes/_shipping_address_same_as_billing'],
  ])('refuses %s, which Allot cannot act on, with 400 PARAM_NOT_ALLOWED', async (name, value, pointer) => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    notAllowed(
      await api.post('/api/orders', doc('orders', { [name]: value }, { market: rel('markets', n.market) })),
      pointer,
    );
  });

  it('refuses the customer, payment and store relationships', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    for (const [name, type] of [
      ['customer', 'customers'],
      ['payment_method', 'payment_methods'],
      ['store', 'stores'],
    ])
      notAllowed(
        await api.post(
          '/api/orders',
          doc('orders', {}, { market: rel('markets', n.market), [name]: rel(type, 'abc') }),
        ),
        `/data/relationships/${name}`,
      );
  });

  it('refuses an address that does not exist', async () => {
    const n = await network(api, { stock: { X: { A: 1 } } });
    const res = await api.post(
      '/api/orders',
      doc('orders', {}, { market: rel('markets', n.market), shipping_address: rel('addresses', 'nosuchid') }),
    );
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: 'INVALID_RESOURCE_ID' });
  });
});

describe('a line item with what a storefront sends', () => {
  it("keeps a name and an image of its own, the SKU's otherwise; item_type is skus", async () => {
    const n = await network(api, { stock: { X: { A: 5 }, Y: { A: 5 } } });
    await patch(api, 'skus', n.sku.X!, { name: 'Tee', image_url: 'https://img.example.com/tee.png' });
    const id = (await api.post('/api/orders', doc('orders', {}, { market: rel('markets', n.market) }))).body.data.id;
    const own = await addLine(api, id, {
      sku_code: n.code('Y'),
      quantity: 1,
      item_type: 'skus',
      name: 'Gift wrap',
      image_url: 'https://img.example.com/wrap.png',
    });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.data.attributes).toMatchObject({
      item_type: 'skus',
      name: 'Gift wrap',
      image_url: 'https://img.example.com/wrap.png',
    });
    const copied = await addLine(api, id, { sku_code: n.code('X'), quantity: 1 });
    expect(copied.body.data.attributes).toMatchObject({ name: 'Tee', image_url: 'https://img.example.com/tee.png' });
    // a new SKU brings its own name and image, unless the client names the line in the same write
    const moved = await patch(api, 'line_items', own.body.data.id, { sku_code: n.code('X') });
    expect(moved.body.data.attributes).toMatchObject({ name: 'Tee', image_url: 'https://img.example.com/tee.png' });
  });

  it.each([
    ['item_type', 'bundles', 422],
    ['bundle_code', 'B1', 400],
    ['unit_amount_cents', 1000, 400],
    ['_external_price', true, 400],
    ['_update_quantity', true, 400],
    ['frequency', 'monthly', 400],
  ])('refuses %s = %j (%i)', async (name, value, status) => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const id = (await api.post('/api/orders', doc('orders', {}, { market: rel('markets', n.market) }))).body.data.id;
    const res = await addLine(api, id, { sku_code: n.code('X'), quantity: 1, [name]: value });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.errors[0].source).toEqual({ pointer: `/data/attributes/${name}` });
  });
});

describe('a sales channel checkout', () => {
  it('leaves the market out when its token scopes exactly one: the order is that market', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const shop = await shopper(n);
    const res = await shop.post('/api/orders', doc('orders', { customer_email: 'ada@example.com' }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await api.get(`/api/orders/${res.body.data.id}/market`)).body.data.id).toBe(n.market);
    // an integration token has no market to default to
    expectInvalid(await api.post('/api/orders', doc('orders', {})), '/data/relationships/market');
  });

  it('needs the market when its token scopes two', async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const other = await factory(api).market(n.model);
    const code = (id: string) => api.get(`/api/markets/${id}`).then((r) => r.body.data.attributes.code);
    const two = client(
      t.app,
      await t.token(sc, `market:code:${await code(n.market)} market:code:${await code(other)}`),
    );
    expectInvalid(await two.post('/api/orders', doc('orders', {})), '/data/relationships/market');
    expect((await two.post('/api/orders', doc('orders', {}, { market: rel('markets', other) }))).status).toBe(201);
  });

  it("creates its shoppers' addresses, sets them on its order and reads them back through include", async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const shop = await shopper(n);
    const address = await shop.post('/api/addresses', doc('addresses', ADDRESS));
    expect(address.status, JSON.stringify(address.body)).toBe(201);
    const aid = address.body.data.id;
    const order = (await shop.post('/api/orders', doc('orders', {}, { shipping_address: rel('addresses', aid) }))).body
      .data.id;
    const read = await shop.get(`/api/orders/${order}?include=shipping_address`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.included).toEqual([
      expect.objectContaining({ id: aid, attributes: expect.objectContaining({ city: 'Milan' }) }),
    ]);
    expect((await patch(shop, 'addresses', aid, { line_2: 'Apt 3' })).status).toBe(200);

    // once placed, the address belongs to a placed order: readable, no longer changeable by the shop
    expect((await addLine(shop, order, { sku_code: n.code('X'), quantity: 1 })).status).toBe(201);
    expect((await trigger(shop, 'orders', order, '_place')).status).toBe(200);
    expect((await shop.get(`/api/addresses/${aid}`)).body.data.attributes.line_2).toBe('Apt 3');
    expect((await patch(shop, 'addresses', aid, { line_2: 'Apt 4' })).status).toBe(401);
    expect((await shop.get('/api/addresses')).status).toBe(401);
  });

  it("never sees nor links a stock location's address, or another market's order's", async () => {
    const n = await network(api, { stock: { X: { A: 5 } } });
    const shop = await shopper(n);
    const warehouse = (await api.get(`/api/stock_locations/${n.loc.A}/address`)).body.data.id;
    expect((await shop.get(`/api/addresses/${warehouse}`)).status).toBe(401);
    const linked = await shop.post('/api/orders', doc('orders', {}, { billing_address: rel('addresses', warehouse) }));
    expect(linked.status).toBe(404);
    expect(linked.body.errors[0].code).toBe('INVALID_RESOURCE_ID');

    const elsewhere = await network(api, { stock: { Y: { A: 1 } } });
    const theirs = await factory(api).address();
    await api.post(
      '/api/orders',
      doc('orders', {}, { market: rel('markets', elsewhere.market), shipping_address: rel('addresses', theirs) }),
    );
    expect((await shop.get(`/api/addresses/${theirs}`)).status).toBe(401);
    expect((await patch(shop, 'addresses', theirs, { city: 'Hack' })).status).toBe(401);
  });
});
