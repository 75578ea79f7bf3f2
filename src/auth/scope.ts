import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { markets } from '../db/schema/markets';
import { inventoryStockLocations, stockLocations } from '../db/schema/stock';
import { errors } from '../jsonapi/errors';
import type { ApplicationRow } from './applications';

export interface ResolvedScope {
  scope: string;
  marketIds: string[];
  stockLocationIds: string[];
}

export interface ScopeTerm {
  kind: 'market' | 'stock_location';
  by: 'id' | 'code';
  value: string;
}

const invalid = (detail: string) => errors.badRequest('INVALID_SCOPE', 'Invalid scope', detail);

/** `market:code:eu stock_location:id:X` → terms; `market:all` (or nothing) → no terms (docs/wire-format.md#scopes). */
export function parseScope(scope: string): ScopeTerm[] {
  const terms: ScopeTerm[] = [];
  for (const part of scope.trim().split(/\s+/).filter(Boolean)) {
    if (part === 'market:all') continue;
    const m = part.match(/^(market|stock_location):(id|code):([^\s:]+)$/);
    if (!m)
      throw invalid(
        `${part} is not a valid scope; use market:id:…, market:code:…, stock_location:id:… or stock_location:code:….`,
      );
    terms.push({ kind: m[1] as ScopeTerm['kind'], by: m[2] as ScopeTerm['by'], value: m[3]! });
  }
  return terms;
}

/**
 * Resolve the scope asked for at /oauth/token in the application's mode. An unknown or disabled
 * market, a stock location without a market, or one outside the market's inventory model → 400.
 * Several markets must share one inventory model, so that availability has one meaning.
 */
export async function resolveScope(db: Db, app: ApplicationRow, requested: string | undefined): Promise<ResolvedScope> {
  const scope = (requested ?? app.scope ?? 'market:all').trim() || 'market:all';
  const terms = parseScope(scope);
  if (!terms.length) return { scope: 'market:all', marketIds: [], stockLocationIds: [] };
  const mode = app.mode;
  const found = await Promise.all(
    terms.map(async (t) => {
      const table = t.kind === 'market' ? markets : stockLocations;
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.mode, mode), eq(t.by === 'id' ? table.id : table.code, t.value)))
        .limit(1);
      const row = rows[0] as { id: string; disabled_at?: Date | null; inventory_model_id?: string } | undefined;
      if (!row || (t.kind === 'market' && row.disabled_at))
        throw invalid(`${t.kind}:${t.by}:${t.value} was not found${t.kind === 'market' ? ' or is disabled' : ''}.`);
      return { t, row };
    }),
  );
  const marketRows = found.filter((f) => f.t.kind === 'market').map((f) => f.row);
  const locationIds = [...new Set(found.filter((f) => f.t.kind === 'stock_location').map((f) => f.row.id))];
  if (!marketRows.length) throw invalid('A stock location scope needs a market scope too.');
  const models = new Set(marketRows.map((r) => r.inventory_model_id));
  if (models.size > 1) throw invalid('The markets in one scope must share their inventory model.');
  if (locationIds.length) {
    const inModel = await db
      .select({ id: inventoryStockLocations.stock_location_id })
      .from(inventoryStockLocations)
      .where(
        and(
          eq(inventoryStockLocations.inventory_model_id, [...models][0]!),
          inArray(inventoryStockLocations.stock_location_id, locationIds),
        ),
      );
    if (inModel.length !== locationIds.length)
      throw invalid("A stock location in the scope is not in the market's inventory model.");
  }
  return {
    scope: terms.map((t) => `${t.kind}:${t.by}:${t.value}`).join(' '),
    marketIds: [...new Set(marketRows.map((r) => r.id))],
    stockLocationIds: locationIds,
  };
}
