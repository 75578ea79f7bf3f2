import type { Db } from '../db/client';
import { rawClient } from '../db/client';
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

/**
 * The most terms one scope may name (README, "The token endpoint's limits"): far more than a sales
 * channel needs (a market or a few, and the stock locations it may see), few enough that a token
 * request is one cheap statement.
 */
export const MAX_SCOPE_TERMS = 100;

const invalid = (detail: string) => errors.badRequest('INVALID_SCOPE', 'Invalid scope', detail);

/** `market:code:eu stock_location:id:X` → terms; `market:all` (or nothing) → no terms (docs/wire-format.md#scopes). */
export function parseScope(scope: string): ScopeTerm[] {
  const parts = scope
    .trim()
    .split(/\s+/, MAX_SCOPE_TERMS + 1)
    .filter(Boolean);
  if (parts.length > MAX_SCOPE_TERMS) throw invalid(`A scope may name at most ${MAX_SCOPE_TERMS} terms.`);
  const terms: ScopeTerm[] = [];
  for (const part of parts) {
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

interface Found {
  kind: ScopeTerm['kind'];
  id: string;
  code: string | null;
  disabled: boolean;
  /** A market's inventory model; for a stock location, the models it belongs to. */
  models: string[];
}

/**
 * Resolve the scope asked for at /oauth/token in the application's mode, in one statement whatever
 * the number of terms. An unknown or disabled market, a stock location without a market, or one
 * outside the market's inventory model → 400. Several markets must share one inventory model, so
 * that availability has one meaning.
 */
export async function resolveScope(db: Db, app: ApplicationRow, requested: string | undefined): Promise<ResolvedScope> {
  const scope = (requested ?? app.scope ?? 'market:all').trim() || 'market:all';
  const terms = parseScope(scope);
  if (!terms.length) return { scope: 'market:all', marketIds: [], stockLocationIds: [] };
  const wanted = (kind: ScopeTerm['kind'], by: ScopeTerm['by']) =>
    terms.filter((t) => t.kind === kind && t.by === by).map((t) => t.value);
  const rows = await rawClient(db)<Found[]>`
    select 'market' as kind, id, code, disabled_at is not null as disabled, array[inventory_model_id] as models
    from markets
    where mode = ${app.mode} and (id = any(${wanted('market', 'id')}::text[])
      or code = any(${wanted('market', 'code')}::text[]))
    union all
    select 'stock_location', sl.id, sl.code, false,
      array(select isl.inventory_model_id from inventory_stock_locations isl where isl.stock_location_id = sl.id)
    from stock_locations sl
    where sl.mode = ${app.mode} and (sl.id = any(${wanted('stock_location', 'id')}::text[])
      or sl.code = any(${wanted('stock_location', 'code')}::text[]))`;
  const found = terms.map((t) => {
    const row = rows.find((r) => r.kind === t.kind && (t.by === 'id' ? r.id : r.code) === t.value);
    if (!row || row.disabled)
      throw invalid(`${t.kind}:${t.by}:${t.value} was not found${t.kind === 'market' ? ' or is disabled' : ''}.`);
    return row;
  });
  const marketRows = found.filter((r) => r.kind === 'market');
  const locations = found.filter((r) => r.kind === 'stock_location');
  if (!marketRows.length) throw invalid('A stock location scope needs a market scope too.');
  const models = new Set(marketRows.map((r) => r.models[0]));
  if (models.size > 1) throw invalid('The markets in one scope must share their inventory model.');
  const model = [...models][0]!;
  if (locations.some((l) => !l.models.includes(model)))
    throw invalid("A stock location in the scope is not in the market's inventory model.");
  return {
    scope: terms.map((t) => `${t.kind}:${t.by}:${t.value}`).join(' '),
    marketIds: [...new Set(marketRows.map((r) => r.id))],
    stockLocationIds: [...new Set(locations.map((r) => r.id))],
  };
}
