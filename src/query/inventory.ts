import { param, type SQL, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import type { Tx } from '../db/tx';
import { availability, type Inventory, type LeadTime, type Stock } from '../inventory/availability';
import type { Slot } from '../inventory/walk';
import { formatCents } from '../lib/money';
import { coalesce } from '../rows/coalesce';
import { type Row, withRowKey } from '../rows/row';

/** Everything availability needs about one market: the model's cutoff, its locations, and lead times by location. */
export interface MarketStock {
  cutoff: number;
  slots: Slot[];
  leadTimes: Map<string, LeadTime[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON built by PostgreSQL, shaped by the statement above
type Json = any;

/**
 * The market's model as JSON text `[cutoff, slots, lead times]`, or null for an unknown or disabled
 * market. It does not depend on the SKU, so PostgreSQL computes it once per statement; it is text so
 * that equal text is parsed once (`parseMarket`). The walk (priority, ties, scope, cutoff) is left
 * to the pure engine so availability and allocation agree.
 */
export const marketJson = (mode: SQL, marketId: SQL): SQL => sql`(
  select json_build_array(im.stock_locations_cutoff,
    (select coalesce(json_agg(json_build_array(l.stock_location_id, l.priority, l.on_hold, (extract(epoch from l.created_at) * 1000)::bigint, l.id)), '[]')
       from inventory_stock_locations l where l.inventory_model_id = im.id),
    (select coalesce(json_agg(json_build_array(d.stock_location_id, d.min_hours, d.max_hours, sm.name, sm.reference, sm.price_amount_cents, sm.free_over_amount_cents, sm.currency_code)
              order by sm.price_amount_cents, sm.created_at, sm.id), '[]')
       from delivery_lead_times d join shipping_methods sm on sm.id = d.shipping_method_id
       where d.stock_location_id in (select l.stock_location_id from inventory_stock_locations l where l.inventory_model_id = im.id)
         and sm.disabled_at is null and (sm.market_id is null or sm.market_id = m.id)))::text
  from markets m join inventory_models im on im.id = m.inventory_model_id
  where m.id = ${marketId} and m.mode = ${mode} and m.disabled_at is null)`;

/**
 * Stock items of the SKUs matching `skuCondition` (on `si.sku_id`) in the market's locations, as
 * `[[sku, location, quantity, reserved]]`; drafts past expires_at stop counting at once, before the
 * sweeper deletes them (spec §4.3).
 */
export const stockJson = (marketId: SQL, skuCondition: SQL): SQL => sql`(
  select coalesce(json_agg(json_build_array(si.sku_id, si.stock_location_id, si.quantity,
      si.reserved_quantity - coalesce((select sum(r.quantity) from stock_reservations r
        where r.stock_item_id = si.id and r.status = 'draft' and r.expires_at <= now()), 0))), '[]')
  from stock_items si where ${skuCondition} and si.stock_location_id = any(array(
    select l.stock_location_id from inventory_stock_locations l join markets m on m.inventory_model_id = l.inventory_model_id where m.id = ${marketId})))`;

/**
 * Selected with a SKU when it is looked up by id (`withRow` of the definition): the inventory then
 * costs no statement of its own. Text, in three lines (JSON text has no raw newline): the market id
 * it was computed for, the market's JSON, the SKU's stock JSON. Placeholders: `mode`, `marketIds`
 * (the first one counts); selected only for callers with a market.
 */
export const inventoryWithRow = {
  when: (ctx: RequestContext) => ctx.caller.marketIds.length > 0,
  select: (skuId: SQL | unknown): SQL => {
    const market = sql`(${sql.placeholder('marketIds')}::text[])[1]`;
    return sql`${market} || E'\n' || coalesce(${marketJson(sql`${sql.placeholder('mode')}`, market)}, 'null') || E'\n' || ${stockJson(market, sql`si.sku_id = ${skuId}`)}::text`;
  },
};

/**
 * What a SKU's single response reads beyond its row, for the response cache (http/single-cache.ts):
 * the market configuration, as the counter its tables' triggers move (`market_config_version`); the
 * row versions (`xmin`) of the SKU's stock items (quantity, reserved counter) and of the draft
 * reservations on them (whether and until when a draft counts). A tuple written after a response
 * was made carries a transaction id no tuple seen by that response has, so a list differs after
 * any insert, update or delete. The one change no write makes, a draft reaching `expires_at`, is
 * `until`.
 */
export const inventoryCache = {
  when: (ctx: RequestContext) => ctx.caller.kind === 'sales_channel' && ctx.caller.marketIds.length > 0,
  dependsOn: (skuId: SQL | unknown): SQL =>
    sql`(select n from market_config_version)::text || ':' || coalesce((select array_agg(si.xmin)::text from stock_items si where si.sku_id = ${skuId}), '') || ':' ||
      coalesce((select array_agg(r.xmin)::text from stock_items si join stock_reservations r on r.stock_item_id = si.id and r.status = 'draft' where si.sku_id = ${skuId}), '')`,
  until: (
    skuId: SQL | unknown,
  ): SQL => sql`(select (extract(epoch from min(r.expires_at)) * 1000)::float8 from stock_reservations r
    where r.stock_item_id in (select si.id from stock_items si where si.sku_id = ${skuId}) and r.status = 'draft' and r.expires_at > now())`,
};

/**
 * Parsed markets by their JSON text: concurrent reads of one market parse it (and format its
 * prices) once. Exact by construction — the key is the content — and bounded.
 */
const parsed = new Map<string, MarketStock | undefined>();

function parseMarket(text: string | null): MarketStock | undefined {
  if (text === null || text === 'null') return undefined;
  let m = parsed.get(text);
  if (m || parsed.has(text)) return m;
  if (parsed.size >= 64) parsed.clear();
  parsed.set(text, (m = buildMarket(JSON.parse(text))));
  return m;
}

function buildMarket(m: Json[]): MarketStock {
  const [cutoff, slots, dlts] = m as [number, Json[][], Json[][]];
  const leadTimes = new Map<string, LeadTime[]>();
  for (const [loc, minH, maxH, name, reference, price, freeOver, currency] of dlts) {
    const list = leadTimes.get(loc) ?? [];
    list.push({
      shipping_method: {
        name,
        reference,
        price_amount_cents: price,
        free_over_amount_cents: freeOver,
        formatted_price_amount: formatCents(price, currency),
        formatted_free_over_amount: formatCents(freeOver, currency),
      },
      min: { hours: minH, days: Math.round(minH / 24) },
      max: { hours: maxH, days: Math.round(maxH / 24) },
    });
    leadTimes.set(loc, list);
  }
  return {
    cutoff,
    slots: slots.map(([stockLocationId, priority, onHold, createdAt, id]) => ({
      stockLocationId,
      priority,
      onHold,
      createdAt: Number(createdAt),
      id,
    })),
    leadTimes,
  };
}

/** sku id → stock location id → stock */
function parseStock(items: Json[][]): Map<string, Map<string, Stock>> {
  const stock = new Map<string, Map<string, Stock>>();
  for (const [sku, loc, quantity, reserved] of items) {
    let m = stock.get(sku);
    if (!m) stock.set(sku, (m = new Map()));
    m.set(loc, { quantity, reserved });
  }
  return stock;
}

/** One statement for a page of SKUs (lists, includes, transactions): the market once, the stock of every SKU. */
async function loadMarketStock(db: Db | Tx, mode: string, marketId: string, skuIds: string[]) {
  const rows = await db.execute<{ market: string | null; items: Json[][] }>(
    sql`select ${marketJson(sql`${mode}`, sql`${marketId}`)} as market, ${stockJson(sql`${marketId}`, sql`si.sku_id = any(${param(skuIds)}::text[])`)} as items`,
  );
  const r = rows[0]!;
  return { market: parseMarket(r.market), stock: parseStock(r.items) };
}

const WITH_ROW = withRowKey('inventory');

/**
 * The `inventory` attribute of SKU rows for the caller's market, or null without a market (spec §4.1).
 * Rows looked up by id carry what it needs already; a page of rows is one statement.
 */
export async function loadInventory(
  db: Db | Tx,
  ctx: RequestContext,
  rows: Row[],
): Promise<Map<string, Inventory | null>> {
  const out = new Map<string, Inventory | null>();
  const marketId = ctx.caller.marketIds[0];
  if (!marketId || !rows.length) return out;
  let market: MarketStock | undefined;
  let stock: Map<string, Map<string, Stock>>;
  // what rows looked up by id carry counts only if it was computed for this caller's market
  const carried = rows.map((r) => (typeof r[WITH_ROW] === 'string' ? (r[WITH_ROW] as string).split('\n') : undefined));
  if (carried.every((c) => c?.length === 3 && c[0] === marketId)) {
    market = parseMarket(carried[0]![1]!);
    stock = parseStock(carried.flatMap((c) => JSON.parse(c![2]!) as Json[][]));
  } else {
    ({ market, stock } = await marketStock(
      db,
      ctx.mode,
      marketId,
      rows.map((r) => r.id as string),
    ));
  }
  if (!market) return out;
  for (const row of rows) {
    out.set(
      row.id,
      availability({
        slots: market.slots,
        cutoff: market.cutoff,
        scopedLocationIds: ctx.caller.stockLocationIds,
        stock: stock.get(row.id) ?? new Map(),
        leadTimes: market.leadTimes,
        doNotTrack: row.do_not_track,
      }),
    );
  }
  return out;
}

/** Single SKUs from concurrent requests (included under one order, say) share one statement per market; inside a transaction, read directly. */
async function marketStock(db: Db | Tx, mode: string, marketId: string, skuIds: string[]) {
  if (skuIds.length !== 1 || db instanceof PgTransaction) return loadMarketStock(db, mode, marketId, skuIds);
  const ms = await coalesce(db, `stock|${mode}|${marketId}`, skuIds[0]!, async (ids) => {
    const all = await loadMarketStock(db, mode, marketId, ids);
    return new Map(ids.map((id) => [id, all]));
  });
  return ms!;
}
