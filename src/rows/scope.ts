import { param, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';

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
