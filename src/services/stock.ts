import { rawClient } from '../db/client';
import { errors } from '../jsonapi/errors';
import { newId } from '../lib/ids';
import type { Tx } from './tx';

/**
 * The only code that changes stock counters. Every change is one statement that moves the counter
 * and the reservation rows together (reserved_quantity = Σ reservations, always), and holds are
 * taken with a conditional UPDATE that cannot oversell; the schema's CHECKs back it
 * (architecture habit 9; scenarios "Concurrency").
 */

export interface Hold {
  stockItemId: string;
  skuId: string;
  quantity: number;
  status: 'draft' | 'pending';
  /** Drafts: seconds from now (the database's clock, like every expiry comparison). */
  expiresIn?: number | null;
  orderId?: string | null;
  lineItemId?: string | null;
  stockLineItemId?: string | null;
  stockTransferId?: string | null;
}

export interface LockedStock {
  id: string;
  sku_id: string;
  stock_location_id: string;
  quantity: number;
  reserved_quantity: number;
}

/** Drafts past `expires_at` stop counting (spec §4.3): delete them and their share of the counters. */
export async function sweepExpired(tx: Tx, mode: string, stockItemIds?: string[]): Promise<number> {
  const sql = rawClient(tx);
  const filter = stockItemIds ? sql`and stock_item_id = any(${stockItemIds}::text[])` : sql``;
  const rows = await sql`
    with gone as (
      delete from stock_reservations where mode = ${mode} and status = 'draft' and expires_at <= now() ${filter}
      returning stock_item_id, quantity
    ), sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now()
    from sums where si.id = sums.stock_item_id returning si.id`;
  return rows.length;
}

/**
 * Lock the stock items of these SKUs in these locations, in id order (so concurrent placements
 * never deadlock). Their expired drafts are swept (rarely any); the rows are then this
 * transaction's to plan with. One statement in the common case.
 */
export async function lockStock(tx: Tx, mode: string, skuIds: string[], locationIds: string[]): Promise<LockedStock[]> {
  if (!skuIds.length || !locationIds.length) return [];
  const sql = rawClient(tx);
  const rows = await sql<Array<LockedStock & { expired: number }>>`
    select si.id, si.sku_id, si.stock_location_id, si.quantity, si.reserved_quantity,
      (select coalesce(sum(r.quantity), 0)::int from stock_reservations r where r.stock_item_id = si.id and r.status = 'draft' and r.expires_at <= now()) as expired
    from stock_items si
    where si.mode = ${mode} and si.sku_id = any(${skuIds}::text[]) and si.stock_location_id = any(${locationIds}::text[])
    order by si.id for update of si`;
  const stale = rows.filter((r) => r.expired > 0);
  if (stale.length) await sweepExpired(tx, mode, stale.map((r) => r.id)); // rows are locked: the counters drop by exactly `expired`
  return rows.map(({ expired, ...r }) => ({ ...r, reserved_quantity: r.reserved_quantity - expired }));
}

/**
 * The two halves of taking holds, as statement fragments for one CTE: `held_counters` increments
 * each stock item's counter if `quantity − reserved ≥ q` (returning the items it could), and the
 * reservation rows are inserted only if every item could. Callers check `held_items` = `expected`.
 */
export function holdFragments(sql: ReturnType<typeof rawClient>, mode: string, holds: Hold[]) {
  const per = new Map<string, number>();
  for (const h of holds) per.set(h.stockItemId, (per.get(h.stockItemId) ?? 0) + h.quantity);
  const items = [...per].sort(([a], [b]) => (a < b ? -1 : 1));
  const ids = holds.map(() => newId());
  const counters = sql`
    update stock_items si set reserved_quantity = si.reserved_quantity + d.q, reserved_updated_at = now()
    from (select unnest(${items.map(([id]) => id)}::text[]) as id, unnest(${items.map(([, q]) => q)}::int[]) as q) d
    where si.id = d.id and si.mode = ${mode} and si.quantity - si.reserved_quantity >= d.q
    returning si.id`;
  const rows = sql`
    insert into stock_reservations (id, mode, status, quantity, expires_at, stock_item_id, sku_id, order_id, line_item_id, stock_line_item_id, stock_transfer_id)
    select id, ${mode}, status, q, case when secs is null then null else now() + make_interval(secs => secs) end, item, sku, ord, line, sli, tr
    from unnest(${ids}::text[], ${holds.map((h) => h.status)}::text[], ${holds.map((h) => h.quantity)}::int[],
      ${holds.map((h) => h.expiresIn ?? null)}::int[], ${holds.map((h) => h.stockItemId)}::text[], ${holds.map((h) => h.skuId)}::text[],
      ${holds.map((h) => h.orderId ?? null)}::text[], ${holds.map((h) => h.lineItemId ?? null)}::text[], ${holds.map((h) => h.stockLineItemId ?? null)}::text[],
      ${holds.map((h) => h.stockTransferId ?? null)}::text[])
      as t(id, status, q, secs, item, sku, ord, line, sli, tr)
    where (select count(*) from held_counters) = ${items.length}`;
  return { counters, rows, ids, items };
}

/** The 422 for holds a stock item could not give (only reachable if stock was not locked first). */
export function shortHolds(items: Array<[string, number]>, done: string[], skuOf: (stockItemId: string) => string): never {
  const ok = new Set(done);
  const failed = items.filter(([id]) => !ok.has(id)).map(([id]) => skuOf(id));
  throw errors.validation(failed.map((code) => ({ attribute: 'quantity', message: `not enough stock of ${code}`, error: 'less_than_or_equal_to', pointer: '/data/attributes/quantity' })));
}

/** Take holds in one statement; if any stock item cannot give its units, nothing is taken: 422 naming the SKU. */
export async function reserve(tx: Tx, mode: string, holds: Hold[], skuCodes: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  if (!holds.length) return [];
  const sql = rawClient(tx);
  const f = holdFragments(sql, mode, holds);
  const [r] = await sql`with held_counters as (${f.counters}), held_rows as (${f.rows}) select array(select id from held_counters) as done`;
  const done = r!.done as string[];
  if (done.length !== f.items.length) shortHolds(f.items, done, (id) => skuCodes.get(holds.find((h) => h.stockItemId === id)!.skuId) ?? id);
  return f.ids;
}

export type ReservationFilter = { orderId: string } | { lineItemId: string; status?: 'draft' } | { ids: string[] } | { transferId: string };

const where = (sql: ReturnType<typeof rawClient>, f: ReservationFilter) =>
  'orderId' in f
    ? sql`order_id = ${f.orderId}`
    : 'lineItemId' in f
      ? sql`line_item_id = ${f.lineItemId} ${f.status ? sql`and status = ${f.status}` : sql``}`
      : 'transferId' in f
        ? sql`stock_transfer_id = ${f.transferId}`
        : sql`id = any(${f.ids}::text[])`;

/** Drop reservations and give their units back, in one statement. */
export async function release(tx: Tx, mode: string, f: ReservationFilter): Promise<number> {
  const sql = rawClient(tx);
  const rows = await sql`
    with gone as (delete from stock_reservations where mode = ${mode} and ${where(sql, f)} returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now()
    from sums where si.id = sums.stock_item_id returning si.id`;
  return rows.length;
}

/**
 * Approval's decrement (spec §4.3): each stock line item not yet decremented takes its units off the
 * stock item and its reservation goes, all at once; a second call finds nothing left to do.
 */
export interface SliScope {
  shipmentId?: string;
  stockLineItemId?: string;
}

const sliScope = (sql: ReturnType<typeof rawClient>, s: SliScope) =>
  s.stockLineItemId ? sql`and id = ${s.stockLineItemId}` : s.shipmentId ? sql`and shipment_id = ${s.shipmentId}` : sql``;

export async function decrementOrder(tx: Tx, mode: string, orderId: string, scope: SliScope = {}): Promise<number> {
  const sql = rawClient(tx);
  const only = sliScope(sql, scope);
  const rows = await sql`
    with slis as (
      update stock_line_items set decremented_at = now(), updated_at = now()
      where mode = ${mode} and order_id = ${orderId} and stock_item_id is not null and decremented_at is null ${only}
        and (shipment_id is null or exists (select 1 from shipments s where s.id = shipment_id and s.status <> 'cancelled'))
      returning id, stock_item_id, quantity
    ), held as (
      delete from stock_reservations r using slis where r.stock_line_item_id = slis.id returning r.stock_item_id, r.quantity
    ), taken as (select stock_item_id, sum(quantity)::int as q from slis group by stock_item_id),
    freed as (select stock_item_id, sum(quantity)::int as q from held group by stock_item_id)
    update stock_items si set quantity = si.quantity - taken.q,
      reserved_quantity = si.reserved_quantity - coalesce(freed.q, 0), reserved_updated_at = now(), updated_at = now()
    from taken left join freed on freed.stock_item_id = taken.stock_item_id
    where si.id = taken.stock_item_id returning si.id`;
  return rows.length;
}

/** Cancelling after approval puts decremented units back, once (restocked_at marks it). */
export async function restockOrder(tx: Tx, mode: string, orderId: string): Promise<number> {
  const sql = rawClient(tx);
  const rows = await sql`
    with slis as (
      update stock_line_items set restocked_at = now(), updated_at = now()
      where mode = ${mode} and order_id = ${orderId} and decremented_at is not null and restocked_at is null and stock_item_id is not null
      returning stock_item_id, quantity
    ), sums as (select stock_item_id, sum(quantity)::int as q from slis group by stock_item_id)
    update stock_items si set quantity = si.quantity + sums.q, updated_at = now()
    from sums where si.id = sums.stock_item_id returning si.id`;
  return rows.length;
}

/**
 * Change one stock item's reserved counter by `delta` (a reservation created, resized or deleted
 * through its own endpoint). Growing is conditional on availability; 422 on `quantity` if short.
 */
export async function adjustReserved(tx: Tx, mode: string, stockItemId: string, delta: number): Promise<void> {
  if (delta === 0) return;
  const sql = rawClient(tx);
  await sweepExpired(tx, mode, [stockItemId]);
  const ok = await sql`update stock_items set reserved_quantity = reserved_quantity + ${delta}, reserved_updated_at = now()
    where id = ${stockItemId} and mode = ${mode} and (${delta} < 0 or quantity - reserved_quantity >= ${delta}) returning id`;
  if (!ok.length) {
    const [s] = await sql`select quantity - reserved_quantity as available from stock_items where id = ${stockItemId}`;
    const count = Number(s?.available ?? 0);
    throw errors.validation([{ attribute: 'quantity', message: `exceeds the available stock (${count})`, error: 'less_than_or_equal_to', count }]);
  }
}

/** A shipment's holds released and, if it was decremented, its units put back (shipment `_cancel`). */
export async function releaseShipment(tx: Tx, mode: string, shipmentId: string): Promise<void> {
  const sql = rawClient(tx);
  const slis = await sql`select id from stock_line_items where shipment_id = ${shipmentId}`;
  const ids = slis.map((r) => r.id as string);
  if (!ids.length) return;
  await sql`
    with gone as (delete from stock_reservations where mode = ${mode} and stock_line_item_id = any(${ids}::text[]) returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now() from sums where si.id = sums.stock_item_id`;
  await sql`
    with back as (
      update stock_line_items set restocked_at = now(), updated_at = now()
      where id = any(${ids}::text[]) and decremented_at is not null and restocked_at is null and stock_item_id is not null
      returning stock_item_id, quantity
    ), sums as (select stock_item_id, sum(quantity)::int as q from back group by stock_item_id)
    update stock_items si set quantity = si.quantity + sums.q, updated_at = now() from sums where si.id = sums.stock_item_id`;
}

/**
 * A transfer arrives (spec §4.3): the origin loses the units and the hold on them, the destination
 * gains them (its stock item created if missing). Returns the destination stock item.
 */
export async function moveTransferred(tx: Tx, mode: string, t: { id: string; sku_id: string; quantity: number; origin_stock_location_id: string; destination_stock_location_id: string }): Promise<string> {
  const sql = rawClient(tx);
  const [origin] = await withReason(tx, `transfer_out ${t.id}`, () => sql`
    with held as (delete from stock_reservations where stock_transfer_id = ${t.id} returning quantity)
    update stock_items set quantity = quantity - ${t.quantity}, reserved_quantity = reserved_quantity - (select coalesce(sum(quantity), 0)::int from held),
      reserved_updated_at = now(), updated_at = now()
    where mode = ${mode} and sku_id = ${t.sku_id} and stock_location_id = ${t.origin_stock_location_id} returning id`);
  if (!origin) throw errors.validation([{ attribute: 'origin_stock_location', message: 'has no stock item for this SKU', error: 'invalid', pointer: '/data/relationships/origin_stock_location' }]);
  const [dest] = await withReason(tx, `transfer_in ${t.id}`, () => sql`
    insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
    values (${newId()}, ${mode}, ${t.quantity}, ${t.sku_id}, ${t.destination_stock_location_id}, ${newId()})
    on conflict (sku_id, stock_location_id) do update set quantity = stock_items.quantity + excluded.quantity, updated_at = now()
    returning id`);
  return dest!.id as string;
}

/** Manual `_release_stock`: drop the holds of stock line items not yet decremented (spec §4.3). */
export async function releaseLineStock(tx: Tx, mode: string, orderId: string, scope: SliScope): Promise<void> {
  const sql = rawClient(tx);
  const ids = (await sql`select id from stock_line_items where mode = ${mode} and order_id = ${orderId} and decremented_at is null ${sliScope(sql, scope)}`).map((r) => r.id as string);
  if (!ids.length) return;
  await sql`
    with gone as (delete from stock_reservations where stock_line_item_id = any(${ids}::text[]) returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now() from sums where si.id = sums.stock_item_id`;
}

/** Manual `_reserve_stock`: hold again the stock line items that hold nothing and are not decremented. */
export async function reserveLineStock(tx: Tx, mode: string, orderId: string, scope: SliScope): Promise<void> {
  const sql = rawClient(tx);
  const rows = await sql`
    select sli.id, sli.stock_item_id, sli.sku_id, sli.sku_code, sli.quantity, sli.line_item_id from stock_line_items sli
    where sli.mode = ${mode} and sli.order_id = ${orderId} and sli.decremented_at is null and sli.stock_item_id is not null ${sliScope(sql, scope)}
      and not exists (select 1 from stock_reservations r where r.stock_line_item_id = sli.id)
    order by sli.stock_item_id for update`;
  await reserve(
    tx,
    mode,
    rows.map((r) => ({ stockItemId: r.stock_item_id, skuId: r.sku_id, quantity: r.quantity, status: 'pending' as const, orderId, lineItemId: r.line_item_id, stockLineItemId: r.id })),
    new Map(rows.map((r) => [r.sku_id as string, r.sku_code as string])),
  );
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
 * Restock a received return (spec §4.3): each return line not yet restocked puts its units into the
 * return's stock location (its stock item created if missing), once — `restocked_at` marks it.
 */
export async function restockReturn(tx: Tx, mode: string, returnId: string, lineId?: string): Promise<number> {
  const sql = rawClient(tx);
  const rows = await withReason(tx, `restock return ${returnId}`, () => sql`
    with lines as (
      update return_line_items rli set restocked_at = now(), updated_at = now()
      from returns r, line_items li
      where rli.return_id = r.id and li.id = rli.line_item_id and r.id = ${returnId} and rli.restocked_at is null
        ${lineId ? sql`and rli.id = ${lineId}` : sql``}
      returning li.sku_id, rli.quantity, r.stock_location_id
    ), per as (select sku_id, stock_location_id, sum(quantity)::int as q from lines group by sku_id, stock_location_id)
    insert into stock_items (id, mode, quantity, sku_id, stock_location_id, reserved_stock_id)
    select substr(md5(random()::text), 1, 10), ${mode}, q, sku_id, stock_location_id, substr(md5(random()::text), 1, 10) from per
    on conflict (sku_id, stock_location_id) do update set quantity = stock_items.quantity + excluded.quantity, updated_at = now()
    returning id`);
  return rows.length;
}
