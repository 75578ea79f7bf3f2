import { expect } from 'vitest';
import type { Credentials, TestApp } from './app';
import { type Client, client, doc, type Res } from './http';
import type { Network } from './orders';

/** Small reads and writes the order-lifecycle tests share; everything goes through the API but the clock tricks. */

export const rel = (type: string, id: string) => ({ data: { type, id } });

/** PATCH `attributes` onto a record. */
export const patch = (
  api: Client,
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, unknown> = {},
) => api.patch(`/api/${type}/${id}`, doc(type, attributes, relationships, id));

/** A draft order with no line items in the network's market. */
export async function emptyOrder(api: Client, n: Network): Promise<string> {
  const res = await api.post('/api/orders', doc('orders', {}, { market: rel('markets', n.market) }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id;
}

/** POST a line item (the raw response: callers assert 201 or 422). */
export const addLine = (
  api: Client,
  orderId: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, unknown> = {},
) => api.post('/api/line_items', doc('line_items', attributes, { order: rel('orders', orderId), ...relationships }));

export async function lineIds(api: Client, orderId: string): Promise<string[]> {
  return (await api.get(`/api/orders/${orderId}/line_items?sort=created_at`)).body.data.map((l: any) => l.id);
}

export interface HoldView {
  id: string;
  status: string;
  quantity: number;
  expires_at: string | null;
  created_at: string;
  stock_item: string;
}

/** Reservations under `/api/{owner}/{id}/stock_reservations`, with their stock item, largest first. */
export async function holdsOf(api: Client, owner: 'orders' | 'line_items', id: string): Promise<HoldView[]> {
  const res = await api.get(`/api/${owner}/${id}/stock_reservations?include=stock_item&page[size]=25`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.data as any[])
    .map(
      (h) =>
        ({
          id: h.id,
          ...pick(h.attributes, 'status', 'quantity', 'expires_at', 'created_at'),
          stock_item: h.relationships.stock_item.data.id,
        }) as HoldView,
    )
    .sort((a, b) => b.quantity - a.quantity);
}

const pick = (o: Record<string, any>, ...keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** Seconds from now to an ISO timestamp (the server and the tests share a clock). */
export const secondsUntil = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

/** A shopper's view: `sku.inventory.quantity` read with an integration token scoped to the network's market. */
const scopedCreds = new WeakMap<TestApp, Credentials>();
export async function inventoryOf(t: TestApp, n: Network, code: string): Promise<number> {
  const admin = client(t.app, t.tokens.admin);
  const market = (await admin.get(`/api/markets/${n.market}`)).body.data.attributes.code;
  if (!scopedCreds.has(t)) scopedCreds.set(t, await t.application({}));
  const res = await client(t.app, await t.token(scopedCreds.get(t)!, `market:code:${market}`)).get(
    `/api/skus/${n.sku[code]}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.attributes.inventory.quantity;
}

/** The market's code, for `market:code:…` scopes. */
export const marketCode = async (api: Client, n: Network): Promise<string> =>
  (await api.get(`/api/markets/${n.market}`)).body.data.attributes.code;

/** Move draft reservations' expiry by SQL (the only way to make time pass): `'-1 second'`, `'2 seconds'`. */
export async function setExpiry(t: TestApp, orderId: string, offset: string) {
  await t.database
    .sql`update stock_reservations set expires_at = now() + ${offset}::interval where order_id = ${orderId}
      and status = 'draft'`;
}

/** A 422 VALIDATION_ERROR whose first error points at `pointer`. */
export function expect422(res: Res, pointer: string, meta?: Record<string, unknown>) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.errors[0], JSON.stringify(res.body)).toMatchObject({
    code: 'VALIDATION_ERROR',
    status: '422',
    source: { pointer },
    ...(meta ? { meta } : {}),
  });
}

/** Shipments of an order by number, each with its stock line items as `CODE×q` (code before the model suffix). */
export async function shipmentsOf(api: Client, orderId: string) {
  const body = (
    await api.get(
      `/api/orders/${orderId}/shipments?include=stock_line_items,stock_location,shipping_category&sort=number`,
    )
  ).body;
  return (body.data as any[]).map((s) => ({
    id: s.id as string,
    status: s.attributes.status as string,
    attributes: s.attributes,
    location: s.relationships.stock_location.data?.id as string,
    category: (s.relationships.shipping_category.data?.id ?? null) as string | null,
    lines: (body.included as any[])
      .filter(
        (i) => i.type === 'stock_line_items' && s.relationships.stock_line_items.data.some((d: any) => d.id === i.id),
      )
      .map((i) => `${i.attributes.sku_code.split('-')[0]}×${i.attributes.quantity}`)
      .sort(),
  }));
}

/** Stock line items of an order: code, quantity, and whether they have a shipment / a stock item. */
export async function stockLineItemsOf(api: Client, orderId: string) {
  const body = (await api.get(`/api/orders/${orderId}/stock_line_items?include=shipment,stock_item&page[size]=25`))
    .body;
  return (body.data as any[])
    .map((i) => ({
      sku: i.attributes.sku_code.split('-')[0] as string,
      quantity: i.attributes.quantity as number,
      shipment: i.relationships.shipment.data?.id ?? null,
      stock_item: i.relationships.stock_item.data?.id ?? null,
    }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.quantity - b.quantity));
}
