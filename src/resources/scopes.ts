import { param, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import { markets } from '../db/schema/markets';
import { inventoryStockLocations } from '../db/schema/stock';

/**
 * What a sales channel's token scopes, as SQL text[] expressions: bound values for a one-off query,
 * or placeholders for a prepared one. Scope conditions have the same text for every token.
 */
export interface ScopeParams {
  marketIds: SQL;
  stockLocationIds: SQL;
}

export const scopeValues = (ctx: RequestContext): ScopeParams => ({
  marketIds: sql`${param(ctx.caller.marketIds)}::text[]`,
  stockLocationIds: sql`${param(ctx.caller.stockLocationIds)}::text[]`,
});

export const scopePlaceholders = (): ScopeParams => ({
  marketIds: sql`${sql.placeholder('marketIds')}::text[]`,
  stockLocationIds: sql`${sql.placeholder('stockLocationIds')}::text[]`,
});

/** `column = any($1::text[])`: one array parameter, so the statement's text is the same for any list. */
export const anyOf = (column: SQL | unknown, ids: string[] | SQL): SQL =>
  sql`${column} = any(${Array.isArray(ids) ? sql`${param(ids)}::text[]` : ids})`;

/** The token's markets that are still enabled: a disabled market scopes nothing (spec §3.12 [INF]). */
export function scopeMarkets(p: ScopeParams): SQL {
  return sql`select ${markets.id} from ${markets} where ${markets.id} = any(${p.marketIds}) and ${markets.disabled_at} is null`;
}

/**
 * The stock locations of the markets in the token's scope (enabled markets only), narrowed to the
 * token's stock locations when it names some (spec §2.2). A sales channel without a market sees nothing.
 * Use as `column = any(array(…))`: the list is then computed once per statement, not joined per row.
 */
export function marketLocations(p: ScopeParams): SQL {
  return sql`select ${inventoryStockLocations.stock_location_id} from ${inventoryStockLocations}
    join ${markets} on ${markets.inventory_model_id} = ${inventoryStockLocations.inventory_model_id}
    where ${markets.id} = any(${p.marketIds}) and ${markets.disabled_at} is null
    and (cardinality(${p.stockLocationIds}) = 0 or ${inventoryStockLocations.stock_location_id} = any(${p.stockLocationIds}))`;
}
