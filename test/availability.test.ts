import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { factory } from './helpers/factory';
import { type Client, client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/** docs/availability.md#worked-example, number for number, through the API. */
let t: TestApp;
let admin: Client;
let f: ReturnType<typeof factory>;
const ids: Record<string, string> = {};
let salesChannel: { client_id: string };

useTestApp({}, (s) => ({ t, api: admin } = s));
beforeAll(async () => {
  f = factory(admin);
  ids.model = await f.inventoryModel({ stock_locations_cutoff: 2 });
  for (const [key, code, priority] of [
    ['a', 'wh-a', 1],
    ['b', 'wh-b', 2],
    ['c', 'wh-c', 3],
  ] as const) {
    ids[key] = await f.stockLocation({ code });
    await f.inventoryStockLocation(ids.model, ids[key]!, priority);
  }
  ids.market = await f.market(ids.model, { code: 'eu' });
  ids.x = await f.sku({ code: 'X' });
  ids.xa = await f.stockItem(ids.x, ids.a!, 4);
  await f.stockItem(ids.x, ids.b!, 6);
  await f.stockItem(ids.x, ids.c!, 50);
  const standard = await f.shippingMethod({ name: 'Standard', price_amount_cents: 700 });
  const express = await f.shippingMethod({ name: 'Express', price_amount_cents: 1200 });
  await f.deliveryLeadTime(ids.a!, express, 48, 72);
  await f.deliveryLeadTime(ids.a!, standard, 72, 120);
  await f.deliveryLeadTime(ids.b!, standard, 96, 144);
  // 2 units of X@A held by a pending order: stands in for the reservation the orders issue creates
  await t.database.sql`update stock_items set reserved_quantity = 2 where id = ${ids.xa!}`;
  salesChannel = await t.application({ kind: 'sales_channel', role: undefined });
});

const inventoryOf = async (token: string) =>
  (await client(t.app, token).get(`/api/skus/${ids.x}`)).body.data.attributes.inventory;
const lt = (name: string, cents: number, min: number, max: number) => ({
  shipping_method: {
    name,
    reference: null,
    price_amount_cents: cents,
    free_over_amount_cents: null,
    formatted_price_amount: `€${cents / 100}.00`,
    formatted_free_over_amount: null,
  },
  min: { hours: min, days: Math.round(min / 24) },
  max: { hours: max, days: Math.round(max / 24) },
});

describe('the worked example of docs/availability.md', () => {
  it('cutoff 2: levels A (4 − 2 reserved) and B, lead times by price; C is cut', async () => {
    const inv = await inventoryOf(await t.token(salesChannel, 'market:code:eu'));
    expect(inv).toEqual({
      available: true,
      quantity: 8,
      levels: [
        { quantity: 2, delivery_lead_times: [lt('Standard', 700, 72, 120), lt('Express', 1200, 48, 72)] },
        { quantity: 6, delivery_lead_times: [lt('Standard', 700, 96, 144)] },
      ],
    });
    expect(inv.levels[0].delivery_lead_times.map((l: any) => [l.min.days, l.max.days])).toEqual([
      [3, 5],
      [2, 3],
    ]);
  });

  it('raising the cutoff to 3 is visible to the very next read: 58', async () => {
    await admin.patch(
      `/api/inventory_models/${ids.model}`,
      doc('inventory_models', { stock_locations_cutoff: 3 }, {}, ids.model),
    );
    expect((await inventoryOf(await t.token(salesChannel, 'market:code:eu'))).quantity).toBe(58);
  });

  it('a token scoped to stock_location:code:wh-b sees only B: 6', async () => {
    const inv = await inventoryOf(await t.token(salesChannel, 'market:code:eu stock_location:code:wh-b'));
    expect(inv.quantity).toBe(6);
    expect(inv.levels.map((l: any) => l.quantity)).toEqual([6]);
  });

  it('an integration token with the market in scope gets it too; without a market, inventory is null', async () => {
    const integ = await t.application({});
    expect((await inventoryOf(await t.token(integ, 'market:code:eu'))).quantity).toBe(58);
    expect(await inventoryOf(t.tokens.admin)).toBeNull();
  });

  it('shows a configuration change typed in SQL in the very next read, and in every read after it', async () => {
    const token = await t.token(await t.application({}), 'market:code:eu'); // no response cache for integrations
    // single reads and list pages take turns: each kind is told the market JSON the other received is known
    const inList = async () =>
      (await client(t.app, token).get('/api/skus?fields[skus]=code,inventory')).body.data[0].attributes.inventory;
    let read = 0;
    const firstAtA = async () =>
      (read++ % 2 ? await inList() : await inventoryOf(token)).levels[0].delivery_lead_times.map((d: any) => [
        d.shipping_method.name,
        d.shipping_method.price_amount_cents,
      ]);
    expect(await firstAtA()).toEqual([
      ['Standard', 700],
      ['Express', 1200],
    ]);
    await t.database.sql`update shipping_methods set price_amount_cents = 1300 where name = 'Standard'`;
    // the first read after the change carries the market's new JSON; the next ones are told it is known
    for (let i = 0; i < 4; i++)
      expect(await firstAtA()).toEqual([
        ['Express', 1200],
        ['Standard', 1300],
      ]);
    await t.database.sql`update markets set disabled_at = now() where id = ${ids.market!}`;
    expect(await inventoryOf(token)).toBeNull();
    expect(await inList()).toBeNull();
    await t.database.sql`update markets set disabled_at = null where id = ${ids.market!}`;
    await t.database.sql`update shipping_methods set price_amount_cents = 700 where name = 'Standard'`;
    expect(await firstAtA()).toEqual([
      ['Standard', 700],
      ['Express', 1200],
    ]);
    expect((await inventoryOf(token)).quantity).toBe(58);
  });

  it('a sales channel list has no inventory attribute, and lists X because it has stock items there', async () => {
    const res = await client(t.app, await t.token(salesChannel, 'market:code:eu')).get('/api/skus');
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: any) => d.id)).toEqual([ids.x]);
    expect(res.body.data[0].attributes).not.toHaveProperty('inventory');
  });

  it('asking for inventory in a list with fields[skus] computes it for the whole page', async () => {
    const res = await client(t.app, await t.token(salesChannel, 'market:code:eu')).get(
      '/api/skus?fields[skus]=code,inventory',
    );
    expect(res.body.data[0].attributes).toEqual({ code: 'X', inventory: expect.objectContaining({ quantity: 58 }) });
  });

  it('concurrent reads of one SKU by tokens of different markets each get their own market', async () => {
    const usModel = await f.inventoryModel({ stock_locations_cutoff: 1 });
    const us = await f.stockLocation({ code: 'wh-us' });
    await f.inventoryStockLocation(usModel, us, 1);
    await f.market(usModel, { code: 'us' });
    await f.stockItem(ids.x!, us, 7);
    const integ = await t.application({});
    const [eu, usToken, scEu, scUs] = await Promise.all([
      t.token(integ, 'market:code:eu'),
      t.token(integ, 'market:code:us'),
      t.token(salesChannel, 'market:code:eu'),
      t.token(salesChannel, 'market:code:us'),
    ]);
    // interleaved, so the by-id lookups of several callers share event-loop turns (and could share a statement)
    const callers = Array.from(
      { length: 40 },
      (_, i) =>
        [
          [eu, 58],
          [usToken, 7],
          [scEu, 58],
          [scUs, 7],
          [t.tokens.admin, null],
        ][i % 5]!,
    ) as Array<[string, number | null]>;
    const got = await Promise.all(callers.map(async ([token]) => (await inventoryOf(token))?.quantity ?? null));
    expect(got).toEqual(callers.map(([, want]) => want));
    // a page asking for inventory agrees with the reads by id
    const page = await client(t.app, usToken).get('/api/skus?fields[skus]=code,inventory');
    expect(page.body.data.find((d: any) => d.id === ids.x).attributes.inventory).toEqual(await inventoryOf(scUs));
  });

  it('do_not_track with all stock at 0: quantity 0, available true', async () => {
    await admin.patch(`/api/skus/${ids.x}`, doc('skus', { do_not_track: true }, {}, ids.x));
    await t.database.sql`update stock_items set quantity = 0, reserved_quantity = 0 where sku_id = ${ids.x!}`;
    const inv = await inventoryOf(await t.token(salesChannel, 'market:code:eu'));
    expect(inv).toMatchObject({ quantity: 0, available: true });
    expect(inv.levels.map((l: any) => l.quantity)).toEqual([0, 0, 0]);
  });
});
