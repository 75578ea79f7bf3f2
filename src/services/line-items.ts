import type { RequestContext } from '../auth/context';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { Allocation } from '../inventory/allocate';
import type { Line } from '../inventory/types';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import type { Row } from '../rows/row';
import { loadModel, lockedStock } from './allocation-input';
import { release, reserve } from './stock';

export const EDITABLE = ['draft', 'pending'];

export async function orderOf(tx: Tx, orderId: string): Promise<Row> {
  const [o] = await rawClient(tx)`select * from orders where id = ${orderId} for update`;
  return o as Row;
}

export function requireEditable(order: Row) {
  if (!EDITABLE.includes(order.status)) {
    throw errors.validation([
      violation.inStatus(
        relationship('order'),
        order.status,
        'line items can change only while it is draft or pending',
      ),
    ]);
  }
}

interface LineInput {
  order: Row;
  lineItemId?: string;
  sku: Row;
  quantity: number;
}

/**
 * Line item create/update: the SKU must be stocked in the market's model and the
 * quantity available there — counted with the same walk as availability and placement, over every
 * line of that SKU in the order, the order's own holds counting as available to it.
 */
export async function checkLineQuantity(tx: Tx, ctx: RequestContext, input: LineInput): Promise<void> {
  if (input.sku.do_not_track) return;
  const sql = rawClient(tx);
  const model = await loadModel(tx, ctx.mode, input.order.market_id);
  const locs = model.slots.map((s) => s.stockLocationId);
  const rows = await sql`
    select si.stock_location_id, si.quantity,
      si.reserved_quantity
        - coalesce((select sum(r.quantity) from stock_reservations r
          where r.stock_item_id = si.id and r.status = 'draft' and r.expires_at <= now()), 0)
        - coalesce((select sum(r.quantity) from stock_reservations r
          where r.stock_item_id = si.id and r.order_id = ${input.order.id}
            and (r.status = 'pending' or r.expires_at > now())), 0) as reserved
    from stock_items si where si.sku_id = ${input.sku.id} and si.stock_location_id = any(${locs}::text[])`;
  if (!rows.length) {
    throw errors.validation([
      violation.unacceptable(relationship('sku'), 'is not available in the market', input.sku.code),
    ]);
  }
  const [others] = await sql`select coalesce(sum(quantity), 0)::int as q from line_items
    where order_id = ${input.order.id} and sku_id = ${input.sku.id} and id <> ${input.lineItemId ?? ''}`;
  const line: Line = {
    lineItemId: 'check',
    skuId: input.sku.id,
    skuCode: input.sku.code,
    quantity: others!.q + input.quantity,
    doNotShip: false,
    doNotTrack: false,
    shippingCategoryId: null,
  };
  const stock = new Map([
    [
      input.sku.id,
      new Map(
        rows.map((r) => [
          r.stock_location_id as string,
          { quantity: r.quantity as number, reserved: Number(r.reserved) },
        ]),
      ),
    ],
  ]);
  const a = new Allocation({
    lines: [line],
    slots: model.slots,
    cutoff: model.cutoff,
    scopedLocationIds: ctx.caller.stockLocationIds,
    stock,
  });
  const available = a.slots.reduce((t, s) => t + a.available(input.sku.id, s.stockLocationId), 0) - others!.q;
  if (input.quantity > available) {
    const count = Math.max(0, available);
    throw errors.validation([violation.atMost('quantity', count, input.quantity)]);
  }
}

/**
 * `_reserve_stock`: the line's draft holds are rebuilt to cover its whole quantity, split
 * across locations in the walk's order, expiring after the model's stock_reservation_cutoff.
 */
export async function reserveLine(tx: Tx, ctx: RequestContext, lineItem: Row, order: Row, sku: Row): Promise<void> {
  requireEditable(order);
  await release(tx, ctx.mode, { lineItemId: lineItem.id, status: 'draft' });
  if (sku.do_not_track) return;
  const model = await loadModel(tx, ctx.mode, order.market_id);
  const { stock, itemOf } = await lockedStock(tx, ctx.mode, [sku.id], model);
  const line: Line = {
    lineItemId: lineItem.id,
    skuId: sku.id,
    skuCode: sku.code,
    quantity: lineItem.quantity,
    doNotShip: false,
    doNotTrack: false,
    shippingCategoryId: null,
  };
  const a = new Allocation({
    lines: [line],
    slots: model.slots,
    cutoff: model.cutoff,
    scopedLocationIds: ctx.caller.stockLocationIds,
    stock,
  });
  a.greedy(line, a.slots);
  const [short] = a.shortfalls();
  if (short) throw errors.validation([violation.atMost('quantity', short.available, lineItem.quantity)]);
  await reserve(
    tx,
    ctx.mode,
    a.picks.map((p) => ({
      stockItemId: itemOf(p.skuId, p.stockLocationId)!.id,
      skuId: p.skuId,
      quantity: p.quantity,
      status: 'draft',
      expiresIn: model.reservationCutoff,
      orderId: order.id,
      lineItemId: lineItem.id,
    })),
    new Map([[sku.id, sku.code]]),
  );
}
