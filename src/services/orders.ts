import type { RequestContext } from '../auth/context';
import { rawClient } from '../db/client';
import { currentWriteScope } from '../db/scope';
import type { Tx } from '../db/tx';
import { strategyFor } from '../inventory/strategies/index';
import type { Line, Plan } from '../inventory/types';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import { countHoldsRefused } from '../ops/metrics';
import type { Row } from '../rows/row';
import { loadModel, loadPlacement, lockedStock, type OrderModel, type StockView } from './allocation-input';
import { counterUpdate, type Hold, holdItems, release, reservationRows, shortHolds } from './stock';
import { decrementOrder, lockOrderStock, restockOrder } from './stock-moves';
import { cancelTransfers, startTransfers } from './transfers';

/** An illegal transition is a 422 on the trigger. */
const illegal = (trigger: string, status: string) =>
  errors.validation([violation.invalidTransition(trigger, status, 'order')]);

const shortfallError = (plan: Plan) => {
  countHoldsRefused(plan.shortfalls.length);
  return errors.validation(
    plan.shortfalls.map((s) =>
      violation.outOfStock({ code: s.skuCode, requested: s.requested, available: s.available }, plan.strategy),
    ),
  );
};

/**
 * `_place`, inside the caller's transaction. Optimistic first: the order's lines, its model and the
 * stock of its SKUs are read in one statement without locks, the strategy plans on what it saw, and
 * the plan is written — shipments, stock line items, transfers, reservations and the order's new
 * state — before the stock counters are taken with one conditional UPDATE, last, so stock rows stay
 * locked only for that statement and COMMIT. If a counter cannot give its units any more (another
 * placement took them meanwhile), the writes are rolled back to a savepoint and the order is placed
 * the locking way: its own draft holds go back to the pool, the stock rows are locked in id order,
 * the strategy plans on them, and the plan is applied, or nothing changes (422 naming each short SKU).
 */
export async function placeOrder(tx: Tx, ctx: RequestContext, order: Row): Promise<void> {
  if (order.status === 'placed') return; // a repeated _place is harmless
  if (order.status !== 'draft' && order.status !== 'pending') throw illegal('_place', order.status);
  const { model, lines, holds, seen } = await loadPlacement(tx, ctx.mode, order as { id: string; market_id: string });
  if (!lines.length) throw errors.validation([violation.empty(relationship('line_items'))]);
  const strategy = strategyFor(model.strategy);
  if (!strategy) throw errors.validation([violation.strategyUnavailable(model.strategy)]);
  const plan = (stock: StockView['stock']) =>
    strategy({
      lines,
      slots: model.slots,
      cutoff: model.cutoff,
      scopedLocationIds: ctx.caller.stockLocationIds,
      stock,
    });
  if (!holds && !currentWriteScope()?.lockStock) {
    // own drafts would count against the order on a snapshot: an order holding any is placed the locking way
    const seenPlan = plan(seen.stock);
    if (!seenPlan.shortfalls.length && (await applyPlan(tx, ctx, order, model, seenPlan, lines, seen.itemOf, true)))
      return;
  } else await release(tx, ctx.mode, { orderId: order.id }); // own drafts never block their own order
  const { stock, itemOf } = await lockedStock(tx, ctx.mode, [...new Set(lines.map((l) => l.skuId))], model);
  const locked = plan(stock);
  if (locked.shortfalls.length) throw shortfallError(locked);
  await applyPlan(tx, ctx, order, model, locked, lines, itemOf, false);
}

/**
 * Writes a plan: everything but the stock counters in one statement, then the counters in another,
 * pipelined (no round trip between them). `optimistic`: under a savepoint, and a counter that cannot
 * give its units rolls it all back and answers false; otherwise the stock was locked and planned on,
 * so that cannot happen (if it ever does, 422 and the transaction rolls back).
 */
async function applyPlan(
  tx: Tx,
  ctx: RequestContext,
  order: Row,
  model: OrderModel,
  plan: Plan,
  lines: Line[],
  itemOf: StockView['itemOf'],
  optimistic: boolean,
): Promise<boolean> {
  const sql = rawClient(tx);
  const byLine = new Map(lines.map((l) => [l.lineItemId, l]));
  const islOf = new Map(model.slots.map((s) => [s.stockLocationId, s.id]));
  const sh = plan.shipments.map((s, i) => ({
    id: newId(),
    number: `#${order.number}/S/${String(i + 1).padStart(3, '0')}`,
    loc: s.stockLocationId,
    isl: islOf.get(s.stockLocationId) ?? null,
    cat: s.shippingCategoryId,
    allocation: JSON.stringify({
      strategy: plan.strategy,
      on_hold: s.onHold,
      awaiting_transfers: s.awaitingTransfers,
      explanation: s.explanation,
    }),
  }));
  const tr = plan.transfers.map((t, i) => ({
    id: newId(),
    number: `#${order.number}/T/${String(i + 1).padStart(3, '0')}`,
    t,
    code: byLine.get(t.lineItemId)!.skuCode,
    shipment: t.shipment === null ? null : sh[t.shipment]!.id,
    origin: itemOf(t.skuId, t.fromLocationId)!.id,
  }));
  const picks = [
    ...plan.shipments.flatMap((s, i) => s.picks.map((p) => ({ p, shipment: sh[i]!.id as string | null }))),
    ...plan.unshipped.map((p) => ({ p, shipment: null })),
  ];
  const slis = picks.map(({ p, shipment }) => ({
    id: newId(),
    p,
    shipment,
    item: p.tracked ? (itemOf(p.skuId, p.stockLocationId)?.id ?? null) : null,
    code: byLine.get(p.lineItemId)!.skuCode,
  }));
  const holds: Hold[] = [
    ...slis
      .filter((s) => s.item)
      .map((s) => ({
        stockItemId: s.item!,
        skuId: s.p.skuId,
        quantity: s.p.quantity,
        status: 'pending' as const,
        orderId: order.id,
        lineItemId: s.p.lineItemId,
        stockLineItemId: s.id,
      })),
    // a transfer holds its units on the origin until it completes
    ...tr.map((x) => ({
      stockItemId: x.origin,
      skuId: x.t.skuId,
      quantity: x.t.quantity,
      status: 'pending' as const,
      orderId: order.id,
      lineItemId: x.t.lineItemId,
      stockTransferId: x.id,
    })),
  ];
  const items = holdItems(holds);
  const ids = holds.map(() => newId());
  // a write request's transaction: nothing waits, COMMIT follows right behind the counters
  const scope = optimistic ? currentWriteScope() : undefined;
  if (optimistic && !scope)
    sql
      .unsafe('savepoint allot_place')
      .execute()
      .catch(() => {}); // fails what follows
  const written = sql`
    with new_shipments as (
      insert into shipments (id, mode, number, status, order_id, inventory_stock_location_id, stock_location_id,
        shipping_category_id, allocation)
      select id, ${ctx.mode}, number, 'upcoming', ${order.id}, isl, loc, cat, alloc::jsonb
      from unnest(${sh.map((s) => s.id)}::text[], ${sh.map((s) => s.number)}::text[], ${sh.map((s) => s.isl)}::text[],
        ${sh.map((s) => s.loc)}::text[], ${sh.map((s) => s.cat)}::text[], ${sh.map((s) => s.allocation)}::text[])
        as t(id, number, isl, loc, cat, alloc)
    ), new_slis as (
      insert into stock_line_items (id, mode, shipment_id, order_id, line_item_id, stock_item_id,
        sku_id, sku_code, quantity)
      select id, ${ctx.mode}, shipment, ${order.id}, line, item, sku, code, q
      from unnest(${slis.map((s) => s.id)}::text[], ${slis.map((s) => s.shipment)}::text[],
        ${slis.map((s) => s.p.lineItemId)}::text[], ${slis.map((s) => s.item)}::text[],
        ${slis.map((s) => s.p.skuId)}::text[], ${slis.map((s) => s.code)}::text[],
        ${slis.map((s) => s.p.quantity)}::int[])
        as t(id, shipment, line, item, sku, code, q)
    )${
      // a CTE for no rows still opens its table and indexes: left out when there is nothing to write
      tr.length
        ? sql`, new_transfers as (
      insert into stock_transfers (id, mode, number, sku_id, sku_code, status, quantity, origin_stock_location_id,
        destination_stock_location_id, shipment_id, line_item_id, order_id)
      select id, ${ctx.mode}, number, sku, code, 'upcoming', q, orig, dest, shipment, line, ${order.id}
      from unnest(${tr.map((x) => x.id)}::text[], ${tr.map((x) => x.number)}::text[],
        ${tr.map((x) => x.t.skuId)}::text[], ${tr.map((x) => x.code)}::text[], ${tr.map((x) => x.t.quantity)}::int[],
        ${tr.map((x) => x.t.fromLocationId)}::text[], ${tr.map((x) => x.t.toLocationId)}::text[],
        ${tr.map((x) => x.shipment)}::text[], ${tr.map((x) => x.t.lineItemId)}::text[])
        as t(id, number, sku, code, q, orig, dest, shipment, line)
    )`
        : sql``
    }, held_rows as (${reservationRows(sql, ctx.mode, holds, ids)}), placed as (
      update orders set status = 'placed', payment_status = 'authorized', placed_at = now(), updated_at = now(),
        fulfillment_status = ${plan.shipments.length ? 'unfulfilled' : 'not_required'}
      where id = ${order.id}
    )
    select 1`.execute();
  written.catch(() => {}); // awaited below
  if (scope) {
    // every counter takes its units or the statement fails (stock_items_hold_check) and COMMIT rolls back;
    // the transaction runner reports it, and the write runs again the locking way (scope.raced)
    const took = (items.length ? counterUpdate(sql, ctx.mode, items, true).execute() : Promise.resolve()).catch((e) => {
      if (e?.code === '23514' && e?.constraint_name === 'stock_items_hold_check') scope.raced = true;
      throw e;
    });
    took.catch(() => {}); // settled by the transaction runner
    (scope.unsettled ??= []).push(written, took);
    return true;
  }
  // sent right behind the writes, without waiting for them: the stock rows are locked from here to COMMIT
  const taken = items.length ? counterUpdate(sql, ctx.mode, items).execute() : Promise.resolve([]);
  taken.catch(() => {}); // awaited below, after the statement it follows
  await written;
  const done = (await taken).map((r) => r.id as string);
  if (done.length === items.length) return true;
  if (optimistic) {
    await sql.unsafe('rollback to savepoint allot_place');
    return false;
  }
  // stock was locked and planned on, so this cannot fail; if it ever does, the transaction rolls back
  return shortHolds(
    items,
    done,
    (id) => slis.find((s) => s.item === id)?.code ?? tr.find((x) => x.origin === id)!.code,
  );
}

/** `_approve` (integration only): decrement and drop the holds unless the model decrements manually. */
export async function approveOrder(tx: Tx, ctx: RequestContext, order: Row): Promise<void> {
  if (order.status === 'approved') return;
  if (order.status !== 'placed') throw illegal('_approve', order.status);
  const model = await loadModel(tx, ctx.mode, order.market_id);
  if (!model.manualStockDecrement) {
    await lockOrderStock(tx, order.id);
    await decrementOrder(tx, ctx.mode, order.id);
  }
  const sql = rawClient(tx);
  // fulfillment starts: shipments from on_hold locations, or waiting for transfers, wait; the others are picked
  const waits = sql`(coalesce((s.allocation->>'on_hold')::boolean, false)
    or exists (select 1 from stock_transfers t
      where t.shipment_id = s.id and t.status not in ('completed', 'cancelled')))`;
  await sql`update shipments s set status = case when ${waits} then 'on_hold' else 'picking' end,
      on_hold_at = case when ${waits} then now() end,
      picking_at = case when ${waits} then null else now() end, updated_at = now()
    where s.order_id = ${order.id} and s.status = 'upcoming'`;
  await startTransfers(tx, order.id, model.putStockTransfersOnHold);
  await sql`update orders set status = 'approved', approved_at = now(), updated_at = now(),
    fulfillment_status = case when fulfillment_status = 'not_required' then 'not_required' else 'in_progress' end
    where id = ${order.id}`;
}

/** `_cancel`: every hold released; after approval, decremented units go back once. */
export async function cancelOrder(tx: Tx, ctx: RequestContext, order: Row): Promise<void> {
  if (order.status === 'cancelled') return;
  if (order.status !== 'placed' && order.status !== 'approved') throw illegal('_cancel', order.status);
  const sql = rawClient(tx);
  const [shipped] = await sql`select count(*)::int as n from shipments where order_id = ${order.id}
      and status in ('shipped', 'delivered')`;
  if (shipped!.n > 0) throw illegal('_cancel', 'shipped');
  await lockOrderStock(tx, order.id);
  await release(tx, ctx.mode, { orderId: order.id });
  await cancelTransfers(tx, order.id);
  if (order.status === 'approved') await restockOrder(tx, ctx.mode, order.id);
  await sql`update shipments set status = 'cancelled', cancelled_at = now(), updated_at = now()
    where order_id = ${order.id} and status <> 'cancelled'`;
  await sql`update orders set status = 'cancelled', cancelled_at = now(), updated_at = now(),
    payment_status = case when payment_status = 'unpaid' then 'unpaid' else 'voided' end where id = ${order.id}`;
}
