import type { RequestContext } from '../auth/context';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { TRANSFER } from '../inventory/state-machine';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import type { Row } from '../rows/row';
import { release, reserve } from './stock';
import { decrementOrder, moveTransferred } from './stock-moves';
import { transition } from './transition';

/**
 * Hold a transfer's units on its origin's stock item: 422 on the origin if it has none for the SKU,
 * on quantity if it cannot give them (docs/transfers-and-returns.md#standalone-transfers).
 */
export async function holdOrigin(tx: Tx, mode: string, t: Row): Promise<void> {
  const [item] = await rawClient(tx)`select id from stock_items
    where mode = ${mode} and sku_id = ${t.sku_id} and stock_location_id = ${t.origin_stock_location_id}`;
  if (!item) throw errors.validation([violation.noStockItem(relationship('origin_stock_location'))]);
  await reserve(
    tx,
    mode,
    [{ stockItemId: item.id, skuId: t.sku_id, quantity: t.quantity, status: 'pending', stockTransferId: t.id }],
    new Map([[t.sku_id, t.sku_code]]),
  );
}

/**
 * A transfer trigger: `_upcoming` takes the origin's hold (a draft holds nothing), `_complete`
 * moves the stock, `_cancel` releases the hold; either of the last two may let its shipment leave
 * on_hold.
 */
export async function transferTrigger(tx: Tx, ctx: RequestContext, name: string, t: Row): Promise<void> {
  const effects =
    name === '_upcoming'
      ? () => holdOrigin(tx, ctx.mode, t)
      : name === '_complete'
        ? () => completeTransfer(tx, ctx, t)
        : name === '_cancel'
          ? () => release(tx, ctx.mode, { transferId: t.id }).then(() => undefined)
          : undefined;
  const moved = await transition(tx, 'stock_transfers', TRANSFER, name, t, effects);
  if (moved && t.shipment_id && (name === '_complete' || name === '_cancel'))
    await releaseWaitingShipment(tx, t.shipment_id);
}

/**
 * The units arrive at the destination. For a transfer of an order's shipment they join it as a
 * stock line item: held there, or decremented at once if the order was already approved (and the
 * model does not decrement manually).
 */
async function completeTransfer(tx: Tx, ctx: RequestContext, t: Row): Promise<void> {
  const sql = rawClient(tx);
  // the order first (an approval in flight finishes before we read its status), then both stock
  // items in id order, as placement locks them: no deadlock with either
  const [o] = t.order_id
    ? await sql`select o.id, o.status, im.manual_stock_decrement from orders o join markets m on m.id = o.market_id
        join inventory_models im on im.id = m.inventory_model_id where o.id = ${t.order_id} for update of o`
    : [];
  await sql`select id from stock_items where mode = ${ctx.mode} and sku_id = ${t.sku_id}
    and stock_location_id in (${t.origin_stock_location_id}, ${t.destination_stock_location_id})
      order by id for no key update`;
  const destItem = await moveTransferred(tx, ctx.mode, t as never);
  if (!t.shipment_id) return;
  if (!o || o.status === 'cancelled') return;
  const sliId = newId();
  await sql`insert into stock_line_items (id, mode, shipment_id, order_id, line_item_id, stock_item_id, sku_id,
    sku_code, quantity)
    values (${sliId}, ${ctx.mode}, ${t.shipment_id}, ${t.order_id}, ${t.line_item_id}, ${destItem}, ${t.sku_id},
      ${t.sku_code}, ${t.quantity})`;
  await reserve(tx, ctx.mode, [
    {
      stockItemId: destItem,
      skuId: t.sku_id,
      quantity: t.quantity,
      status: 'pending',
      orderId: t.order_id,
      lineItemId: t.line_item_id,
      stockLineItemId: sliId,
    },
  ]);
  if (o.status === 'approved' && !o.manual_stock_decrement)
    await decrementOrder(tx, ctx.mode, t.order_id, { shipmentId: t.shipment_id });
}

/** A shipment waiting on transfers is picked once none is open (unless its location holds shipments). */
async function releaseWaitingShipment(tx: Tx, shipmentId: string): Promise<void> {
  await rawClient(tx)`update shipments s set status = 'picking', picking_at = now(), updated_at = now()
    where s.id = ${shipmentId} and s.status = 'on_hold' and not coalesce((s.allocation->>'on_hold')::boolean, false)
      and not exists (select 1 from stock_transfers t
        where t.shipment_id = s.id and t.status not in ('completed', 'cancelled'))`;
}

/**
 * Fulfilment starts (order approval): transfers of the order go picking, or on hold with their
 * shipment if the model says so.
 */
export async function startTransfers(tx: Tx, orderId: string, putOnHold: boolean): Promise<void> {
  await rawClient(tx)`update stock_transfers set status = ${putOnHold ? 'on_hold' : 'picking'},
      ${putOnHold ? rawClient(tx)`on_hold_at = now(),` : rawClient(tx)`picking_at = now(),`} updated_at = now()
    where order_id = ${orderId} and status = 'upcoming'`;
}

/** Cancelling an order cancels its open transfers and their holds. */
export async function cancelTransfers(tx: Tx, orderId: string): Promise<void> {
  await rawClient(tx)`update stock_transfers set status = 'cancelled', cancelled_at = now(), updated_at = now()
    where order_id = ${orderId} and status not in ('completed', 'cancelled')`;
}
