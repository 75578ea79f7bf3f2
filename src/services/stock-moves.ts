import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import { reserve } from './stock';

/**
 * Stock moved by orders, transfers and returns: decrement at approval, restock on cancel or return,
 * transfers arriving, manual holds. Each is one statement moving counters and rows together, like
 * the holds in stock.ts; the ledger trigger records every change.
 */
/**
 * Approval's decrement: each stock line item not yet decremented takes its units off the
 * stock item and its reservation goes, all at once; a second call finds nothing left to do.
 */
export interface SliScope {
  shipmentId?: string;
  stockLineItemId?: string;
}

const sliScope = (sql: ReturnType<typeof rawClient>, s: SliScope) =>
  s.stockLineItemId
    ? sql`and id = ${s.stockLineItemId}`
    : s.shipmentId
      ? sql`and shipment_id = ${s.shipmentId}`
      : sql``;

export async function decrementOrder(tx: Tx, mode: string, orderId: string, scope: SliScope = {}): Promise<number> {
  const sql = rawClient(tx);
  const only = sliScope(sql, scope);
  const [r] = await sql`
    with slis as (
      update stock_line_items set decremented_at = now(), updated_at = now()
      where mode = ${mode} and order_id = ${orderId} and stock_item_id is not null and decremented_at is null ${only}
        and (shipment_id is null or exists (select 1 from shipments s where s.id = shipment_id
          and s.status <> 'cancelled'))
      returning id, stock_item_id, quantity
    ), held as (
      delete from stock_reservations r using slis where r.stock_line_item_id = slis.id
        returning r.stock_item_id, r.quantity
    ), taken as (select stock_item_id, sum(quantity)::int as q from slis group by stock_item_id),
    freed as (select stock_item_id, sum(quantity)::int as q from held group by stock_item_id),
    moved as (
      update stock_items si set quantity = si.quantity - taken.q,
        reserved_quantity = si.reserved_quantity - coalesce(freed.q, 0), reserved_updated_at = now(), updated_at = now()
      from taken left join freed on freed.stock_item_id = taken.stock_item_id
      where si.id = taken.stock_item_id and si.quantity >= taken.q returning si.id
    )
    select array(select id from moved) as moved, coalesce((select json_agg(json_build_array(stock_item_id, q))
      from taken), '[]') as taken`;
  const moved = new Set(r!.moved as string[]);
  const taken = r!.taken as Array<[string, number]>;
  // a stock item a count left short cannot give what is held on it: refuse, and the transaction rolls back
  const short = taken.filter(([id]) => !moved.has(id));
  if (short.length) await refuseShort(tx, relationship('stock_line_items'), short);
  return moved.size;
}

async function refuseShort(tx: Tx, field: Parameters<typeof violation.shortOnHand>[0], short: Array<[string, number]>) {
  const rows = await rawClient(tx)`select si.id, s.code, si.quantity from stock_items si join skus s on s.id = si.sku_id
    where si.id = any(${short.map(([id]) => id)}::text[])`;
  const need = new Map(short);
  throw errors.validation(
    rows.map((x) => violation.shortOnHand(field, { code: x.code, onHand: x.quantity, toTake: need.get(x.id)! })),
  );
}

/** Cancelling after approval puts decremented units back, once (restocked_at marks it). */
export async function restockOrder(tx: Tx, mode: string, orderId: string): Promise<number> {
  const sql = rawClient(tx);
  const rows = await sql`
    with slis as (
      update stock_line_items set restocked_at = now(), updated_at = now()
      where mode = ${mode} and order_id = ${orderId} and decremented_at is not null and restocked_at is null
        and stock_item_id is not null
      returning stock_item_id, quantity
    ), sums as (select stock_item_id, sum(quantity)::int as q from slis group by stock_item_id)
    update stock_items si set quantity = si.quantity + sums.q, updated_at = now()
    from sums where si.id = sums.stock_item_id returning si.id`;
  return rows.length;
}

/** A shipment's holds released and, if it was decremented, its units put back (shipment `_cancel`). */
export async function releaseShipment(tx: Tx, mode: string, shipmentId: string): Promise<void> {
  const sql = rawClient(tx);
  const slis = await sql`select id, order_id from stock_line_items where shipment_id = ${shipmentId}`;
  const ids = slis.map((r) => r.id as string);
  if (!ids.length) return;
  // the two statements below update several stock items at once: lock the order's first, in id order
  await lockOrderStock(tx, slis[0]!.order_id as string);
  await sql`
    with gone as (delete from stock_reservations where mode = ${mode} and stock_line_item_id = any(${ids}::text[])
      returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now()
    from sums where si.id = sums.stock_item_id`;
  await sql`
    with back as (
      update stock_line_items set restocked_at = now(), updated_at = now()
      where id = any(${ids}::text[]) and decremented_at is not null and restocked_at is null
        and stock_item_id is not null
      returning stock_item_id, quantity
    ), sums as (select stock_item_id, sum(quantity)::int as q from back group by stock_item_id)
    update stock_items si set quantity = si.quantity + sums.q, updated_at = now()
    from sums where si.id = sums.stock_item_id`;
}

/**
 * A transfer arrives: the origin loses the units and the hold on them, the destination
 * gains them (its stock item created if missing). Returns the destination stock item.
 */
export async function moveTransferred(
  tx: Tx,
  mode: string,
  t: {
    id: string;
    sku_id: string;
    quantity: number;
    origin_stock_location_id: string;
    destination_stock_location_id: string;
  },
): Promise<string> {
  const sql = rawClient(tx);
  const [origin] = await withReason(
    tx,
    `transfer_out ${t.id}`,
    () => sql`
    with held as (delete from stock_reservations where stock_transfer_id = ${t.id} returning quantity)
    update stock_items set quantity = quantity - ${t.quantity},
      reserved_quantity = reserved_quantity - (select coalesce(sum(quantity), 0)::int from held),
      reserved_updated_at = now(), updated_at = now()
    where mode = ${mode} and sku_id = ${t.sku_id} and stock_location_id = ${t.origin_stock_location_id} and
      quantity >= ${t.quantity} returning id`,
  );
  if (!origin) {
    const [item] =
      await sql`select id from stock_items where mode = ${mode} and sku_id = ${t.sku_id} and stock_location_id
        = ${t.origin_stock_location_id}`;
    if (!item) throw errors.validation([violation.noStockItem(relationship('origin_stock_location'))]);
    await refuseShort(tx, relationship('origin_stock_location'), [[item.id as string, t.quantity]]);
  }
  const [dest] = await withReason(
    tx,
    `transfer_in ${t.id}`,
    () => sql`
    insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
    values (${newId()}, ${mode}, ${t.quantity}, ${t.sku_id}, ${t.destination_stock_location_id}, ${newId()})
    on conflict (sku_id, stock_location_id) do update set quantity = stock_items.quantity + excluded.quantity,
      updated_at = now()
    returning id`,
  );
  return dest!.id as string;
}

/** Manual `_release_stock`: drop the holds of stock line items not yet decremented. */
export async function releaseLineStock(tx: Tx, mode: string, orderId: string, scope: SliScope): Promise<void> {
  const sql = rawClient(tx);
  const ids = (
    await sql`select id from stock_line_items where mode = ${mode} and order_id = ${orderId}
      and decremented_at is null ${sliScope(sql, scope)}`
  ).map((r) => r.id as string);
  if (!ids.length) return;
  await sql`
    with gone as (delete from stock_reservations where stock_line_item_id = any(${ids}::text[])
      returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now()
    from sums where si.id = sums.stock_item_id`;
}

/** Manual `_reserve_stock`: hold again the stock line items that hold nothing and are not decremented. */
export async function reserveLineStock(tx: Tx, mode: string, orderId: string, scope: SliScope): Promise<void> {
  const sql = rawClient(tx);
  const rows = await sql`
    select sli.id, sli.stock_item_id, sli.sku_id, sli.sku_code, sli.quantity, sli.line_item_id from stock_line_items sli
    where sli.mode = ${mode} and sli.order_id = ${orderId} and sli.decremented_at is null
      and sli.stock_item_id is not null ${sliScope(sql, scope)}
      and not exists (select 1 from stock_reservations r where r.stock_line_item_id = sli.id)
    order by sli.stock_item_id for update`;
  await reserve(
    tx,
    mode,
    rows.map((r) => ({
      stockItemId: r.stock_item_id,
      skuId: r.sku_id,
      quantity: r.quantity,
      status: 'pending' as const,
      orderId,
      lineItemId: r.line_item_id,
      stockLineItemId: r.id,
    })),
    new Map(rows.map((r) => [r.sku_id as string, r.sku_code as string])),
  );
}

/**
 * A stock item's quantity set by a client (a count): its movement reads `adjusted`, or
 * `adjusted (short by 3)` when it leaves fewer units than are held; null clears the reason after
 * the statement (docs/ledger-and-check.md#reasons). A reason the caller named for the whole
 * transaction (`import`) stays, with the shortfall added, and is what null restores.
 */
export async function countReason(tx: Tx, shortBy: number | null): Promise<void> {
  await rawClient(tx)`
    select set_config('allot.reason',
      case when ${shortBy}::int is null then case when r like 'adjusted%' then '' else base end
        else base || case when ${shortBy}::int > 0 then ' (short by ' || ${shortBy}::int || ')' else '' end end, true)
    from (select r, case when r = '' or r like 'adjusted%' then 'adjusted' else split_part(r, ' (short by', 1) end
      as base from (select coalesce(current_setting('allot.reason', true), '') as r) c) x`;
}

/** Name the movements one statement writes in the ledger (otherwise the trigger infers the reason). */
async function withReason<T>(tx: Tx, reason: string, run: () => Promise<T>): Promise<T> {
  const sql = rawClient(tx);
  await sql`select set_config('allot.reason', ${reason}, true)`;
  const out = await run(); // on failure the transaction rolls back, setting and all
  await sql`select set_config('allot.reason', '', true)`;
  return out;
}

/**
 * Restock a received return: each return line not yet restocked puts its units into the
 * return's stock location (its stock item created if missing), once — `restocked_at` marks it.
 */
export async function restockReturn(tx: Tx, mode: string, returnId: string, lineId?: string): Promise<number> {
  const sql = rawClient(tx);
  // the stock items it will add to, in id order first, as placement locks them (no deadlock)
  await sql`select si.id from stock_items si join returns r on r.id = ${returnId}
    and si.stock_location_id = r.stock_location_id
    where si.sku_id in (select li.sku_id from return_line_items rli join line_items li on li.id = rli.line_item_id
      where rli.return_id = ${returnId} and rli.restocked_at is null ${lineId ? sql`and rli.id = ${lineId}` : sql``})
    order by si.id for no key update of si`;
  const rows = await withReason(
    tx,
    `restock return ${returnId}`,
    () => sql`
    with lines as (
      update return_line_items rli set restocked_at = now(), updated_at = now()
      from returns r, line_items li
      where rli.return_id = r.id and li.id = rli.line_item_id and r.id = ${returnId} and rli.restocked_at is null
        ${lineId ? sql`and rli.id = ${lineId}` : sql``}
      returning li.sku_id, rli.quantity, r.stock_location_id
    ), per as (select sku_id, stock_location_id, sum(quantity)::int as q from lines group by sku_id, stock_location_id)
    insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
    select substr(md5(random()::text), 1, 10), ${mode}, q, sku_id, stock_location_id, substr(md5(random()::text), 1, 10)
    from per
    on conflict (sku_id, stock_location_id) do update set quantity = stock_items.quantity + excluded.quantity,
      updated_at = now()
    returning id`,
  );
  return rows.length;
}

/**
 * Lock every stock item an order holds or took, in id order — the order placement locks them in —
 * before a statement that updates several of them at once (approval, cancellation, a shipment's
 * cancellation), so that such a statement never deadlocks with a placement on the same items.
 */
export async function lockOrderStock(tx: Tx, orderId: string): Promise<void> {
  await rawClient(tx)`select id from stock_items where id in (
      select stock_item_id from stock_line_items where order_id = ${orderId} and stock_item_id is not null
      union select stock_item_id from stock_reservations where order_id = ${orderId})
    order by id for no key update`;
}
