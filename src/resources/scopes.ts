import { type SQL, sql } from 'drizzle-orm';
import { markets } from '../db/schema/markets';
import { inventoryStockLocations } from '../db/schema/stock';
import type { ScopeParams } from '../rows/scope';

/** The token's markets that are still enabled: a disabled market scopes nothing. */
export function scopeMarkets(p: ScopeParams): SQL {
  return sql`select ${markets.id} from ${markets} where ${markets.id} = any(${p.marketIds})
    and ${markets.disabled_at} is null`;
}

/**
 * The stock locations of the markets in the token's scope (enabled markets only), narrowed to the
 * token's stock locations when it names some. A sales channel without a market sees nothing.
 * Use as `column = any(array(…))`: the list is then computed once per statement, not joined per row.
 */
export function marketLocations(p: ScopeParams): SQL {
  return sql`select ${inventoryStockLocations.stock_location_id} from ${inventoryStockLocations}
    join ${markets} on ${markets.inventory_model_id} = ${inventoryStockLocations.inventory_model_id}
    where ${markets.id} = any(${p.marketIds}) and ${markets.disabled_at} is null
    and (cardinality(${p.stockLocationIds}) = 0
      or ${inventoryStockLocations.stock_location_id} = any(${p.stockLocationIds}))`;
}
