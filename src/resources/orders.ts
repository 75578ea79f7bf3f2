import { and, eq, sql } from 'drizzle-orm';
import { skus } from '../db/schema/catalog';
import { lineItems, orders } from '../db/schema/orders';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { Row } from '../rows/row';
import { checkLineQuantity, orderOf, requireEditable, reserveLine } from '../services/line-items';
import { approveOrder, cancelOrder, placeOrder } from '../services/orders';
import { release } from '../services/stock';
import { attr, defineResource, rel } from './define';
import { scopeMarkets } from './scopes';

const o = orders;
const read = { filter: true, sort: true } as const;

/** Sales channels see their market's orders while draft, pending or placed (spec §2.5). */
const orderScope = (p: Parameters<typeof scopeMarkets>[0]) =>
  sql`${o.market_id} in (${scopeMarkets(p)}) and ${o.status} in ('draft', 'pending', 'placed')`;

/** spec §3.15, the inventory part: placing allocates, approving decrements, cancelling releases. */
export const ordersResource = defineResource({
  type: 'orders',
  singular: 'order',
  description:
    "An order: its line items are allocated to stock locations by the market's inventory model when it is placed.",
  table: o,
  attributes: {
    number: attr.integer({ column: o.number, ...read }),
    status: attr.string({ column: o.status, ...read, description: 'draft, pending, placed, approved or cancelled.' }),
    payment_status: attr.string({ column: o.payment_status, ...read }),
    fulfillment_status: attr.string({ column: o.fulfillment_status, ...read }),
    customer_email: attr.string({ column: o.customer_email, create: true, update: true, filter: true }),
    placed_at: attr.datetime({ column: o.placed_at, ...read }),
    approved_at: attr.datetime({ column: o.approved_at, ...read }),
    cancelled_at: attr.datetime({ column: o.cancelled_at, ...read }),
  },
  triggers: {
    _place: {
      on: ['update'],
      description: 'Place the order: allocate stock, build shipments, hold the stock.',
      run: ({ tx, ctx, row }) => placeOrder(tx, ctx, row),
    },
    _approve: {
      on: ['update'],
      prohibited: true,
      description: 'Approve the placed order: decrement stock (unless decremented manually).',
      run: ({ tx, ctx, row }) => approveOrder(tx, ctx, row),
    },
    _cancel: {
      on: ['update'],
      description: 'Cancel the order: release every hold; restock what approval decremented.',
      run: ({ tx, ctx, row }) => cancelOrder(tx, ctx, row),
    },
  },
  relationships: {
    market: rel.toOne('markets', 'market_id', { create: true, required: true }),
    line_items: rel.toMany('line_items', 'order_id'),
    shipments: rel.toMany('shipments', 'order_id'),
    stock_line_items: rel.toMany('stock_line_items', 'order_id'),
    stock_reservations: rel.toMany('stock_reservations', 'order_id'),
    stock_transfers: rel.toMany('stock_transfers', 'order_id'),
  },
  hooks: {
    beforeWrite: async ({ ctx, existing }) => {
      if (existing && ctx.caller.kind === 'sales_channel' && !['draft', 'pending'].includes(existing.status))
        throw errors.unauthorized();
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      if (!['draft', 'pending'].includes(row.status)) throw errors.locked(`A ${row.status} order cannot be deleted.`);
      await release(tx, ctx.mode, { orderId: row.id });
    },
  },
  access: { sales_channel: ['create', 'retrieve', 'update'] },
  scope: orderScope,
});

const l = lineItems;

/** The line's SKU, from `sku_code` or the `sku` relationship; its code and name are copied onto the line. */
async function skuFor(
  tx: Tx,
  mode: string,
  values: Row,
  attributes: Record<string, unknown>,
  existing?: Row,
): Promise<Row> {
  if (typeof attributes.sku_code === 'string') {
    const [s] = await tx
      .select()
      .from(skus)
      .where(and(eq(skus.mode, mode), eq(skus.code, attributes.sku_code)))
      .limit(1);
    if (!s)
      throw errors.validation([
        { attribute: 'sku_code', message: 'is not a valid SKU code', error: 'invalid', value: attributes.sku_code },
      ]);
    values.sku_id = s.id;
  }
  const id = values.sku_id ?? existing?.sku_id;
  if (!id)
    throw errors.validation([
      { attribute: 'sku', message: "can't be blank", error: 'blank', pointer: '/data/relationships/sku' },
    ]);
  const [s] = await tx.select().from(skus).where(eq(skus.id, id)).limit(1);
  values.sku_code = s!.code;
  if (!existing || values.sku_id) values.name = s!.name;
  return s as Row;
}

/** spec §3.16: a SKU and a quantity in an order, checked against the market's availability. */
export const lineItemsResource = defineResource({
  type: 'line_items',
  singular: 'line_item',
  description: 'A SKU and a quantity in an order.',
  table: l,
  attributes: {
    sku_code: attr.string({ column: l.sku_code, create: true, update: true, filter: true }),
    item_type: attr.string({ column: l.item_type, filter: true }),
    name: attr.string({ column: l.name, filter: true }),
    quantity: attr.integer({
      column: l.quantity,
      create: true,
      update: true,
      filter: true,
      sort: true,
      required: true,
      min: 1,
    }),
  },
  triggers: {
    _reserve_stock: {
      on: ['create', 'update'],
      prohibited: true,
      description:
        "Hold the line's stock as draft reservations that expire after the model's stock_reservation_cutoff.",
      run: async ({ tx, ctx, row }) => {
        const [s] = await tx.select().from(skus).where(eq(skus.id, row.sku_id));
        await reserveLine(tx, ctx, row, await orderOf(tx, row.order_id), s as Row);
      },
    },
  },
  relationships: {
    order: rel.toOne('orders', 'order_id', { create: true, required: true }),
    sku: rel.toOne('skus', 'sku_id', { create: true, update: true, required: true, requiredUnless: 'sku_code' }),
    stock_reservations: rel.toMany('stock_reservations', 'line_item_id'),
    stock_line_items: rel.toMany('stock_line_items', 'line_item_id'),
  },
  hooks: {
    beforeWrite: async ({ tx, ctx, values, attributes, existing }) => {
      const order = await orderOf(tx, values.order_id ?? existing!.order_id);
      requireEditable(order);
      const sku = await skuFor(tx, ctx.mode, values, attributes, existing);
      await checkLineQuantity(tx, ctx, {
        order,
        sku,
        lineItemId: existing?.id,
        quantity: (values.quantity ?? existing?.quantity) as number,
      });
    },
    afterWrite: async ({ tx, ctx, row, existing }) => {
      // holds follow the line: a changed quantity or SKU rebuilds its draft reservations
      if (!existing || (existing.quantity === row.quantity && existing.sku_id === row.sku_id)) return;
      const [held] = await tx.execute(
        sql`select count(*)::int as n from stock_reservations where line_item_id = ${row.id} and status = 'draft'`,
      );
      if (!(held as { n: number }).n) return;
      const [s] = await tx.select().from(skus).where(eq(skus.id, row.sku_id));
      await reserveLine(tx, ctx, row, await orderOf(tx, row.order_id), s as Row);
    },
    beforeDelete: async ({ tx, ctx, row }) => {
      requireEditable(await orderOf(tx, row.order_id));
      await release(tx, ctx.mode, { lineItemId: row.id });
    },
  },
  access: { sales_channel: ['create', 'retrieve', 'update', 'delete'] },
  scope: (p) => sql`exists (select 1 from ${o} where ${o.id} = ${l.order_id} and ${orderScope(p)})`,
});
