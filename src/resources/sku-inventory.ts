import { type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import type { CachePolicy, WithRow } from '../rows/row';

/*
 * The SQL behind a SKU's `inventory` attribute, as its definition declares it (resources/catalog.ts):
 * what is selected with a SKU looked up by id, and what its single response depends on. The loader
 * that turns it into availability is bound in wiring.ts (behaviour/skus.ts).
 */

/**
 * The market's model as JSON text `[cutoff, slots, lead times]`, or null for an unknown or disabled
 * market. It does not depend on the SKU, so PostgreSQL computes it once per statement; it is text so
 * that equal text is parsed once (`parseMarket` in behaviour/skus.ts). The walk (priority, ties,
 * scope, cutoff) is left to the pure engine so availability and allocation agree.
 */
export const marketJson = (mode: SQL, marketId: SQL): SQL => sql`(
  select json_build_array(im.stock_locations_cutoff,
    (select coalesce(json_agg(json_build_array(l.stock_location_id, l.priority, l.on_hold,
        (extract(epoch from l.created_at) * 1000)::bigint, l.id)), '[]')
       from inventory_stock_locations l where l.inventory_model_id = im.id),
    (select coalesce(json_agg(json_build_array(d.stock_location_id, d.min_hours, d.max_hours,
        sm.name, sm.reference, sm.price_amount_cents, sm.free_over_amount_cents, sm.currency_code)
              order by sm.price_amount_cents, sm.created_at, sm.id), '[]')
       from delivery_lead_times d join shipping_methods sm on sm.id = d.shipping_method_id
       where d.stock_location_id in (select l.stock_location_id from inventory_stock_locations l
         where l.inventory_model_id = im.id)
         and sm.disabled_at is null and (sm.market_id is null or sm.market_id = m.id)))::text
  from markets m join inventory_models im on im.id = m.inventory_model_id
  where m.id = ${marketId} and m.mode = ${mode} and m.disabled_at is null)`;

/**
 * Stock items of the SKUs matching `skuCondition` (on `si.sku_id`) in the market's locations, as
 * `[[sku, location, quantity, reserved]]`; drafts past expires_at stop counting at once, before the
 * sweeper deletes them. The expired drafts of all the items are found in one index scan and joined,
 * not looked up item by item: a subquery per item cost PostgreSQL about 3 µs each, two thirds of
 * a 25-SKU page's statement.
 */
const stockRows = (marketId: SQL, skuCondition: SQL): SQL => sql`with si as (
      select si.id, si.sku_id, si.stock_location_id, si.quantity, si.reserved_quantity
      from stock_items si where ${skuCondition} and si.stock_location_id = any(array(
        select l.stock_location_id from inventory_stock_locations l
          join markets m on m.inventory_model_id = l.inventory_model_id where m.id = ${marketId}))),
    expired as (select r.stock_item_id, sum(r.quantity) as quantity from stock_reservations r
      where r.stock_item_id = any(array(select si.id from si)) and r.status = 'draft' and r.expires_at <= now()
      group by r.stock_item_id)`;
const stockTuple = sql`json_build_array(si.sku_id, si.stock_location_id, si.quantity,
  si.reserved_quantity - coalesce(e.quantity, 0))`;

export const stockJson = (marketId: SQL, skuCondition: SQL): SQL => sql`(${stockRows(marketId, skuCondition)}
  select coalesce(json_agg(${stockTuple}), '[]') from si left join expired e on e.stock_item_id = si.id)`;

/** `stockJson` per SKU of `skuIds` (an array), as rows `(sku_id, items)`; SKUs without stock have no row. */
const stockJsonBySku = (marketId: SQL, skuIds: SQL): SQL => sql`${stockRows(marketId, sql`si.sku_id = any(${skuIds})`)}
  select si.sku_id, json_agg(${stockTuple})::text as items from si left join expired e on e.stock_item_id = si.id
  group by si.sku_id`;

/**
 * Each market's JSON as reads (by id, lists) last received it, per database and mode, with its
 * `market_config_version`. The counter moves in the same transaction as any change to what
 * `marketJson` reads (migrations 0009, 0010), so equal versions mean equal text: a statement that
 * finds the version it was told it knows leaves the JSON out, and the loader takes it from here. A
 * row of another version finds nothing here, and the loader reads market and stock again in one
 * statement. Forgotten when a connection closes, as the response cache is (a restored database
 * reuses counts).
 */
const known = new WeakMap<object, Map<string, { version: string; text: string }>>();

function rememberMarket(db: object, mode: string, marketId: string, version: string, text: string): void {
  let markets = known.get(db);
  if (!markets) known.set(db, (markets = new Map()));
  markets.set(`${mode}|${marketId}`, { version, text });
}

const latest = (db: object, mode: string, marketId: string | undefined) => known.get(db)?.get(`${mode}|${marketId}`);

const knownMarket = (db: object, mode: string, marketId: string, version: string): string | undefined => {
  const m = latest(db, mode, marketId);
  return m?.version === version ? m.text : undefined;
};

/**
 * The market's JSON a statement returned at `version`: the text it carried (remembered for the next
 * reads), or, where it left the JSON out as known, the text held for that version (undefined if the
 * held one has been replaced meanwhile).
 */
export function receivedMarket(db: object, mode: string, marketId: string, version: string, text: string) {
  if (!text) return knownMarket(db, mode, marketId, version);
  rememberMarket(db, mode, marketId, version, text);
  return text;
}

/** The version of the market's JSON last received, to bind as known (empty when none). */
export const knownVersion = (db: object, mode: string, marketId: string | undefined): string =>
  latest(db, mode, marketId)?.version ?? '';

/**
 * The market's JSON as a statement selects it: empty when `market_config_version` is still `known`,
 * the version bound by the caller from `knownVersion` (the loader then takes it from `receivedMarket`).
 */
export const marketUnlessKnown = (mode: SQL, marketId: SQL, known: SQL | string): SQL => sql`case
  when (select n from market_config_version)::text = ${known} then ''
  else coalesce(${marketJson(mode, marketId)}, 'null') end`;

export const forgetMarkets = (db: object): boolean => known.delete(db);

const firstMarket = sql`(${sql.placeholder('marketIds')}::text[])[1]`;
/** The first three lines of what a SKU carries, up to its stock: the same for every SKU of a statement. */
const carriedHead = () => {
  const known = sql`${sql.placeholder('knownMarketVersion')}::text`;
  return sql`${firstMarket} || E'\n' || (select n from market_config_version)::text || E'\n'
    || ${marketUnlessKnown(sql`${sql.placeholder('mode')}`, firstMarket, known)} || E'\n'`;
};

/**
 * Selected with a SKU when it is looked up by id (`withRow` of the definition): the inventory then
 * costs no statement of its own. Text, in four lines (JSON text has no raw newline): the market id
 * it was computed for, `market_config_version`, the market's JSON (empty when the version is the one
 * bound as known), the SKU's stock JSON. Placeholders: `mode`, `marketIds` (the first one counts),
 * `knownMarketVersion`; selected only for callers with a market. A page of a list selects it for all
 * its SKUs at once (`selectMany`, query/sku-pages.ts).
 */
export const inventoryWithRow: WithRow = {
  when: (ctx: RequestContext) => ctx.caller.marketIds.length > 0,
  select: (skuId: SQL | unknown): SQL =>
    sql`${carriedHead()} || ${stockJson(firstMarket, sql`si.sku_id = ${skuId}`)}::text`,
  selectMany: (skuIds: SQL): SQL => sql`select p.id, ${carriedHead()} || coalesce(g.items, '[]') as value
    from unnest(${skuIds}) p(id) left join (${stockJsonBySku(firstMarket, skuIds)}) g on g.sku_id = p.id`,
  bind: (ctx: RequestContext, db: object) => ({
    knownMarketVersion: knownVersion(db, ctx.mode, ctx.caller.marketIds[0]),
  }),
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
export const inventoryCache: CachePolicy = {
  when: (ctx: RequestContext) => ctx.caller.kind === 'sales_channel' && ctx.caller.marketIds.length > 0,
  dependsOn: (skuId: SQL | unknown): SQL =>
    sql`(select n from market_config_version)::text
      || ':' || coalesce((select array_agg(si.xmin)::text from stock_items si where si.sku_id = ${skuId}), '')
      || ':' || coalesce((select array_agg(r.xmin)::text from stock_items si
        join stock_reservations r on r.stock_item_id = si.id and r.status = 'draft' where si.sku_id = ${skuId}), '')`,
  changes: true,
  until: (
    skuId: SQL | unknown,
  ): SQL => sql`(select (extract(epoch from min(r.expires_at)) * 1000)::float8 from stock_reservations r
    where r.stock_item_id in (select si.id from stock_items si where si.sku_id = ${skuId}) and r.status = 'draft'
      and r.expires_at > now())`,
};
