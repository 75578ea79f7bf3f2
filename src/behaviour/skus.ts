import { param, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import { availability, type Inventory, type LeadTime, type Stock } from '../inventory/availability';
import type { Slot } from '../inventory/walk';
import { formatCents } from '../lib/money';
import type { Behaviour } from '../resources/bind';
import { knownVersion, marketUnlessKnown, receivedMarket, stockJson } from '../resources/sku-inventory';
import { coalesce } from '../rows/coalesce';
import { type Row, withRowKey } from '../rows/row';
import { InventoryValue } from './inventory-json';

/** Everything availability needs about one market: the model's cutoff, its locations, and lead times by location. */
interface MarketStock {
  cutoff: number;
  slots: Slot[];
  leadTimes: Map<string, LeadTime[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON built by PostgreSQL, shaped by the statement above
type Json = any;

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

/**
 * One statement for a page of SKUs (lists, includes, transactions): the stock of every SKU, and the
 * market unless this connection already holds its JSON at the current configuration version (as
 * single reads do, sku-inventory.ts). Should the held JSON be replaced between binding and reading
 * (another version arrived meanwhile), the statement runs again asking for the market.
 */
async function loadMarketStock(db: Tx, mode: string, marketId: string, skuIds: string[], ask = true) {
  const known = ask ? knownVersion(db, mode, marketId) : '';
  const rows = await db.execute<{ version: string; market: string; items: Json[][] }>(
    sql`select (select n from market_config_version)::text as version,
      ${marketUnlessKnown(sql`${mode}`, sql`${marketId}`, known)} as market,
      ${stockJson(sql`${marketId}`, sql`si.sku_id = any(${param(skuIds)}::text[])`)} as items`,
  );
  const r = rows[0]!;
  const market = receivedMarket(db, mode, marketId, r.version, r.market);
  if (market === undefined) return loadMarketStock(db, mode, marketId, skuIds, false);
  return { market: parseMarket(market), stock: parseStock(r.items) };
}

const WITH_ROW = withRowKey('inventory');

/**
 * What rows looked up by id carry (sku-inventory.ts), if it can be used: computed for this caller's
 * market, all at one configuration version, with the market's JSON either carried or known.
 */
function carried(
  db: object,
  mode: string,
  marketId: string,
  rows: Row[],
): { market: string; stock: string[] } | undefined {
  let version: string | undefined;
  let market: string | undefined;
  const stock: string[] = [];
  for (const r of rows) {
    const c = typeof r[WITH_ROW] === 'string' ? (r[WITH_ROW] as string).split('\n') : undefined;
    if (c?.length !== 4 || c[0] !== marketId || (version !== undefined && c[1] !== version)) return undefined;
    version = c[1]!;
    market = receivedMarket(db, mode, marketId, version, c[2]!) ?? market;
    stock.push(c[3]!);
  }
  return market === undefined ? undefined : { market, stock };
}

/**
 * The `inventory` attribute of SKU rows for the caller's market, or null without a market.
 * Rows looked up by id carry what it needs already; a page of rows is one statement.
 */
async function loadInventory(db: Tx, ctx: RequestContext, rows: Row[]): Promise<Map<string, Inventory | null>> {
  const out = new Map<string, Inventory | null>();
  const marketId = ctx.caller.marketIds[0];
  if (!marketId || !rows.length) return out;
  let market: MarketStock | undefined;
  let stock: Map<string, Map<string, Stock>>;
  const withRow = carried(db, ctx.mode, marketId, rows);
  if (withRow) {
    market = parseMarket(withRow.market);
    stock = parseStock(withRow.stock.flatMap((text) => JSON.parse(text) as Json[][]));
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
      InventoryValue.of(
        availability({
          slots: market.slots,
          cutoff: market.cutoff,
          scopedLocationIds: ctx.caller.stockLocationIds,
          stock: stock.get(row.id) ?? new Map(),
          leadTimes: market.leadTimes,
          doNotTrack: row.do_not_track,
        }),
      ),
    );
  }
  return out;
}

/**
 * Single SKUs from concurrent requests (included under one order, say) share one statement per
 * market; inside a transaction, read directly.
 */
async function marketStock(db: Tx, mode: string, marketId: string, skuIds: string[]) {
  if (skuIds.length !== 1 || db instanceof PgTransaction) return loadMarketStock(db, mode, marketId, skuIds);
  const ms = await coalesce(db, `stock|${mode}|${marketId}`, skuIds[0]!, async (ids) => {
    const all = await loadMarketStock(db, mode, marketId, ids);
    return new Map(ids.map((id) => [id, all]));
  });
  return ms!;
}

/** A SKU's `inventory`: availability in the caller's market. */
export const skus: Behaviour = { loaders: { inventory: loadInventory } };
