import { sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import { inventoryStockLocations } from '../db/schema/stock';
import { markets } from '../db/schema/markets';

const list = (ids: string[]) => sql.join(ids.map((id) => sql`${id}`), sql`, `);

/**
 * The stock locations of the markets in the token's scope (enabled markets only), narrowed to the
 * token's stock locations when it names some (spec §2.2). A sales channel without a market sees nothing.
 */
export function marketLocations(ctx: RequestContext): SQL {
  const { marketIds, stockLocationIds } = ctx.caller;
  if (!marketIds.length) return sql`select null::text where false`;
  return sql`select ${inventoryStockLocations.stock_location_id} from ${inventoryStockLocations}
    join ${markets} on ${markets.inventory_model_id} = ${inventoryStockLocations.inventory_model_id}
    where ${markets.id} in (${list(marketIds)}) and ${markets.disabled_at} is null
    ${stockLocationIds.length ? sql`and ${inventoryStockLocations.stock_location_id} in (${list(stockLocationIds)})` : sql``}`;
}

export const inList = (column: SQL | unknown, ids: string[]): SQL => (ids.length ? sql`${column} in (${list(ids)})` : sql`false`);
