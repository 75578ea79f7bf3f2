import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { newId } from '../lib/ids';
import { countHoldsRefused } from '../ops/metrics';

/**
 * The only code that changes stock counters. Every change is one statement that moves the counter
 * and the reservation rows together (reserved_quantity = Σ reservations, always), and holds are
 * taken with a conditional UPDATE (or on rows locked in the same transaction), never read,
 * computed and written back, so concurrent writers cannot oversell; the schema backs it (a trigger
 * refuses any hold that takes reserved past quantity). Only a count may leave reserved above quantity.
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

/** Drafts past `expires_at` stop counting: delete them and their share of the counters. */
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
      (select coalesce(sum(r.quantity), 0)::int from stock_reservations r where r.stock_item_id = si.id
        and r.status = 'draft' and r.expires_at <= now()) as expired
    from stock_items si
    where si.mode = ${mode} and si.sku_id = any(${skuIds}::text[])
      and si.stock_location_id = any(${locationIds}::text[])
    order by si.id for no key update of si`;
  const stale = rows.filter((r) => r.expired > 0);
  if (stale.length)
    await sweepExpired(
      tx,
      mode,
      stale.map((r) => r.id),
    ); // rows are locked: the counters drop by exactly `expired`
  return rows.map(({ expired, ...r }) => ({ ...r, reserved_quantity: r.reserved_quantity - expired }));
}

/** Units per stock item, in id order (the order every writer locks stock items in). */
export function holdItems(holds: Hold[]): Array<[string, number]> {
  const per = new Map<string, number>();
  for (const h of holds) per.set(h.stockItemId, (per.get(h.stockItemId) ?? 0) + h.quantity);
  return [...per].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Increments each stock item's counter if `quantity − reserved ≥ q`, returning the items it could;
 * the rows it updates stay locked until the transaction ends. `orFail`: unconditionally, so a counter
 * short of units fails the statement (the stock_items_hold_check trigger refuses any oversell).
 */
export function counterUpdate(
  sql: ReturnType<typeof rawClient>,
  mode: string,
  items: Array<[string, number]>,
  orFail = false,
) {
  // the rows are locked in id order by the inner select before any is updated: no deadlock
  return sql`
    update stock_items si set reserved_quantity = si.reserved_quantity + d.q, reserved_updated_at = now()
    from (select s.id, t.q from stock_items s
      join unnest(${items.map(([id]) => id)}::text[], ${items.map(([, q]) => q)}::int[]) as t(id, q) on s.id = t.id
      where s.mode = ${mode} order by s.id for no key update of s) d
    where si.id = d.id ${orFail ? sql`` : sql`and si.quantity - si.reserved_quantity >= d.q`}
    returning si.id`;
}

/** Inserts the reservation rows of `holds` (ids given), if `when` holds (a condition on the same statement). */
export function reservationRows(
  sql: ReturnType<typeof rawClient>,
  mode: string,
  holds: Hold[],
  ids: string[],
  when = sql`true`,
) {
  return sql`
    insert into stock_reservations (id, mode, status, quantity, expires_at, stock_item_id, sku_id, order_id,
      line_item_id, stock_line_item_id, stock_transfer_id)
    select id, ${mode}, status, q, case when secs is null then null else now() + make_interval(secs => secs) end,
      item, sku, ord, line, sli, tr
    from unnest(${ids}::text[], ${holds.map((h) => h.status)}::text[], ${holds.map((h) => h.quantity)}::int[],
      ${holds.map((h) => h.expiresIn ?? null)}::int[], ${holds.map((h) => h.stockItemId)}::text[],
      ${holds.map((h) => h.skuId)}::text[], ${holds.map((h) => h.orderId ?? null)}::text[],
      ${holds.map((h) => h.lineItemId ?? null)}::text[], ${holds.map((h) => h.stockLineItemId ?? null)}::text[],
      ${holds.map((h) => h.stockTransferId ?? null)}::text[])
      as t(id, status, q, secs, item, sku, ord, line, sli, tr)
    where ${when}`;
}

/**
 * The two halves of taking holds, as statement fragments for one CTE: `held_counters` increments
 * each stock item's counter if `quantity − reserved ≥ q` (returning the items it could), and the
 * reservation rows are inserted only if every item could. Callers check `held_items` = `expected`.
 */
export function holdFragments(sql: ReturnType<typeof rawClient>, mode: string, holds: Hold[]) {
  const items = holdItems(holds);
  const ids = holds.map(() => newId());
  const counters = counterUpdate(sql, mode, items);
  const rows = reservationRows(sql, mode, holds, ids, sql`(select count(*) from held_counters) = ${items.length}`);
  return { counters, rows, ids, items };
}

/** The 422 for holds a stock item could not give (only reachable if stock was not locked first). */
export function shortHolds(
  items: Array<[string, number]>,
  done: string[],
  skuOf: (stockItemId: string) => string,
): never {
  const ok = new Set(done);
  const failed = items.filter(([id]) => !ok.has(id)).map(([id]) => skuOf(id));
  countHoldsRefused(failed.length);
  throw errors.validation(failed.map((code) => violation.notEnoughStock(code)));
}

/** Take holds in one statement; if any stock item cannot give its units, nothing is taken: 422 naming the SKU. */
export async function reserve(
  tx: Tx,
  mode: string,
  holds: Hold[],
  skuCodes: ReadonlyMap<string, string> = new Map(),
): Promise<string[]> {
  if (!holds.length) return [];
  const sql = rawClient(tx);
  const f = holdFragments(sql, mode, holds);
  const [r] = await sql`with held_counters as (${f.counters}), held_rows as (${f.rows})
      select array(select id from held_counters) as done`;
  const done = r!.done as string[];
  if (done.length !== f.items.length)
    shortHolds(f.items, done, (id) => skuCodes.get(holds.find((h) => h.stockItemId === id)!.skuId) ?? id);
  return f.ids;
}

export type ReservationFilter =
  | { orderId: string }
  | { lineItemId: string; status?: 'draft' }
  | { ids: string[] }
  | { transferId: string };

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
    with gone as (delete from stock_reservations where mode = ${mode} and ${where(sql, f)}
      returning stock_item_id, quantity),
    sums as (select stock_item_id, sum(quantity)::int as q from gone group by stock_item_id)
    update stock_items si set reserved_quantity = si.reserved_quantity - sums.q, reserved_updated_at = now()
    from sums where si.id = sums.stock_item_id returning si.id`;
  return rows.length;
}

/** What one stock item holds for live reservations: its counter less the drafts already expired. */
export async function activeReserved(tx: Tx, stockItemId: string): Promise<number> {
  const [r] = await rawClient(
    tx,
  )`select si.reserved_quantity - coalesce((select sum(r.quantity) from stock_reservations r
    where r.stock_item_id = si.id and r.status = 'draft' and r.expires_at <= now()), 0)::int as held
    from stock_items si where si.id = ${stockItemId}`;
  return Number(r?.held ?? 0);
}

/**
 * Change one stock item's reserved counter by `delta` (a reservation created, resized or deleted
 * through its own endpoint). Growing is conditional on availability; 422 on `quantity` if short.
 */
export async function adjustReserved(tx: Tx, mode: string, stockItemId: string, delta: number): Promise<void> {
  if (delta === 0) return;
  const sql = rawClient(tx);
  await sweepExpired(tx, mode, [stockItemId]);
  const ok =
    await sql`update stock_items set reserved_quantity = reserved_quantity + ${delta}, reserved_updated_at = now()
    where id = ${stockItemId} and mode = ${mode} and (${delta} < 0 or quantity - reserved_quantity >= ${delta})
      returning id`;
  if (!ok.length) {
    const [s] = await sql`select greatest(0, quantity - reserved_quantity) as available from stock_items where id =
        ${stockItemId}`;
    const count = Number(s?.available ?? 0);
    throw errors.validation([violation.exceedsAvailable(count)]);
  }
}
