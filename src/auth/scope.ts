import type { Db } from '../db/client';
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

/** `market:code:eu stock_location:id:X` → terms; `market:all` (or nothing) → no terms (spec §2.2). */
export function parseScope(scope: string): ScopeTerm[] {
  const terms: ScopeTerm[] = [];
  for (const part of scope.trim().split(/\s+/).filter(Boolean)) {
    if (part === 'market:all') continue;
    const m = part.match(/^(market|stock_location):(id|code):([^\s:]+)$/);
    if (!m) throw invalid(`${part} is not a valid scope; use market:id:…, market:code:…, stock_location:id:… or stock_location:code:….`);
    terms.push({ kind: m[1] as ScopeTerm['kind'], by: m[2] as ScopeTerm['by'], value: m[3]! });
  }
  return terms;
}

/**
 * Resolve the scope asked for at /oauth/token against the application's mode. Markets and stock
 * locations are looked up by `lookup`, which the stock network supplies; until then no market exists.
 */
export async function resolveScope(db: Db, app: ApplicationRow, requested: string | undefined): Promise<ResolvedScope> {
  const scope = (requested ?? app.scope ?? 'market:all').trim() || 'market:all';
  const terms = parseScope(scope);
  if (!terms.length) return { scope: 'market:all', marketIds: [], stockLocationIds: [] };
  return scopeLookup(db, app.mode as 'test' | 'live', terms, scope);
}

export type ScopeLookup = (db: Db, mode: 'test' | 'live', terms: ScopeTerm[], scope: string) => Promise<ResolvedScope>;

let scopeLookup: ScopeLookup = async (_db, _mode, terms) => {
  throw invalid(`${terms[0]!.kind}:${terms[0]!.by}:${terms[0]!.value} was not found.`);
};

/** Installed by the stock-network module once markets and stock locations exist. */
export function setScopeLookup(fn: ScopeLookup): void {
  scopeLookup = fn;
}
