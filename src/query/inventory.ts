import type { RequestContext } from '../auth/context';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { rawClient, type Db } from '../db/client';
import { coalesce } from './coalesce';
import { availability, type Inventory, type LeadTime, type Stock } from '../inventory/availability';
import type { Slot } from '../inventory/walk';
import { formatCents } from '../lib/money';
import type { Row } from '../resources/define';
import type { Tx } from '../services/tx';

/** Everything availability needs about one market, read in one statement. */
export interface MarketStock {
  cutoff: number;
  slots: Slot[];
  /** sku id → stock location id → stock */
  stock: Map<string, Map<string, Stock>>;
  leadTimes: Map<string, LeadTime[]>;
}

type Json = any;

/**
 * One round trip: the market's model (cutoff and every inventory stock location), the stock items
 * of the given SKUs in those locations, and the lead times of usable shipping methods. The walk
 * (priority, ties, scope, cutoff) is left to the pure engine so availability and allocation agree.
 */
export async function loadMarketStock(db: Db | Tx, mode: string, marketId: string, skuIds: string[]): Promise<MarketStock | undefined> {
  const sql = rawClient(db);
  const rows = await sql<Array<{ cutoff: number | null; slots: Json[]; items: Json[]; dlts: Json[] }>>`
    with m as (
      select m.id, m.inventory_model_id, im.stock_locations_cutoff as cutoff
      from markets m join inventory_models im on im.id = m.inventory_model_id
      where m.id = ${marketId} and m.mode = ${mode} and m.disabled_at is null
    ), l as (
      select isl.id, isl.stock_location_id, isl.priority, isl.on_hold, isl.created_at
      from inventory_stock_locations isl join m on isl.inventory_model_id = m.inventory_model_id
    )
    select
      (select cutoff from m) as cutoff,
      (select coalesce(json_agg(json_build_array(l.stock_location_id, l.priority, l.on_hold, (extract(epoch from l.created_at) * 1000)::bigint, l.id)), '[]') from l) as slots,
      (select coalesce(json_agg(json_build_array(si.sku_id, si.stock_location_id, si.quantity,
          -- drafts past expires_at stop counting at once, before the sweeper deletes them (spec §4.3)
          si.reserved_quantity - coalesce((select sum(r.quantity) from stock_reservations r
            where r.stock_item_id = si.id and r.status = 'draft' and r.expires_at <= now()), 0))), '[]')
         from stock_items si where si.sku_id = any(${skuIds}::text[])
         and si.stock_location_id in (select stock_location_id from l)) as items,
      (select coalesce(json_agg(json_build_array(d.stock_location_id, d.min_hours, d.max_hours, sm.name, sm.reference, sm.price_amount_cents, sm.free_over_amount_cents, sm.currency_code)
                order by sm.price_amount_cents, sm.created_at, sm.id), '[]')
         from delivery_lead_times d join shipping_methods sm on sm.id = d.shipping_method_id
         where d.stock_location_id in (select stock_location_id from l) and sm.disabled_at is null
           and (sm.market_id is null or sm.market_id = ${marketId})) as dlts
  `;
  const r = rows[0];
  if (!r || r.cutoff === null) return undefined;
  const stock = new Map<string, Map<string, Stock>>();
  for (const [sku, loc, quantity, reserved] of r.items) {
    let m = stock.get(sku);
    if (!m) stock.set(sku, (m = new Map()));
    m.set(loc, { quantity, reserved });
  }
  const leadTimes = new Map<string, LeadTime[]>();
  for (const [loc, minH, maxH, name, reference, price, freeOver, currency] of r.dlts) {
    const list = leadTimes.get(loc) ?? [];
    list.push({
      shipping_method: { name, reference, price_amount_cents: price, free_over_amount_cents: freeOver, formatted_price_amount: formatCents(price, currency), formatted_free_over_amount: formatCents(freeOver, currency) },
      min: { hours: minH, days: Math.round(minH / 24) },
      max: { hours: maxH, days: Math.round(maxH / 24) },
    });
    leadTimes.set(loc, list);
  }
  const slots: Slot[] = r.slots.map(([stockLocationId, priority, onHold, createdAt, id]: Json[]) => ({ stockLocationId, priority, onHold, createdAt: Number(createdAt), id }));
  return { cutoff: r.cutoff, slots, stock, leadTimes };
}

/**
 * Single-SKU reads from concurrent requests (product pages) share one statement per market; a
 * page of SKUs is one statement already. Inside a transaction, read directly.
 */
async function marketStock(db: Db | Tx, mode: string, marketId: string, skuIds: string[]): Promise<MarketStock | undefined> {
  if (skuIds.length !== 1 || db instanceof PgTransaction) return loadMarketStock(db, mode, marketId, skuIds);
  const [sku] = skuIds;
  const ms = await coalesce(db, `stock|${mode}|${marketId}`, sku!, async (ids) => {
    const all = await loadMarketStock(db, mode, marketId, ids);
    return new Map(ids.map((id) => [id, all]));
  });
  return ms ?? undefined;
}

/** The `inventory` attribute of SKU rows for the caller's market, or null without a market (spec §4.1). */
export async function loadInventory(db: Db | Tx, ctx: RequestContext, rows: Row[]): Promise<Map<string, Inventory | null>> {
  const out = new Map<string, Inventory | null>();
  const marketId = ctx.caller.marketIds[0];
  if (!marketId) return out;
  const ms = await marketStock(db, ctx.mode, marketId, rows.map((r) => r.id as string));
  if (!ms) return out;
  for (const row of rows) {
    out.set(
      row.id,
      availability({
        slots: ms.slots,
        cutoff: ms.cutoff,
        scopedLocationIds: ctx.caller.stockLocationIds,
        stock: ms.stock.get(row.id) ?? new Map(),
        leadTimes: ms.leadTimes,
        doNotTrack: row.do_not_track,
      }),
    );
  }
  return out;
}
