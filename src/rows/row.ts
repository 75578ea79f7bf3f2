import type { SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { ScopeParams } from './scope';

// biome-ignore lint/suspicious/noExplicitAny: a database row; its columns are the definition's, checked at the edges
export type Row = Record<string, any>;

/**
 * What an attribute needs, as an SQL expression over the row's id (`select`), selected with the row
 * when it is looked up by id for a caller `when` accepts (placeholders `mode`, `marketIds`,
 * `stockLocationIds`): single reads then cost one statement. The attribute's loader finds it under
 * `withRowKey(name)` and must check it was computed for the caller at hand.
 */
export interface WithRow {
  when: (ctx: RequestContext) => boolean;
  select: (id: unknown) => SQL;
  /**
   * The same values for many rows at once, as a relation `(id, value)` over an array of ids (a page
   * of a list): one pass over what they read instead of one subquery per row. Same placeholders.
   */
  selectMany?: (ids: SQL) => SQL;
  /**
   * Values for placeholders of its own, taken as the statement is sent to `db`. Requests that share
   * a statement share mode, markets and stock locations, so `bind` may depend on those alone.
   */
  bind?: (ctx: RequestContext, db: object) => Record<string, unknown>;
}

/** Where a row looked up by id carries an attribute's `withRow` value. */
export const withRowKey = (name: string) => `~${name}`;

/**
 * What a single GET's response depends on beyond its own row, as SQL over the row's id
 * (placeholder `mode` only: probes are shared by every caller of a mode): `dependsOn` is text that
 * changes whenever anything else the response reads changes; `until` (epoch ms, or null) is when it
 * goes stale by itself, such as a draft's expiry. Only for callers `when` accepts, and only for
 * definitions whose single response is computed from the statement that looks the row up (its
 * `withRow` values): the version is read in that statement, and must describe everything the
 * response was made from.
 */
export interface CachePolicy {
  when: (ctx: RequestContext) => boolean;
  dependsOn: (id: unknown) => SQL;
  until: (id: unknown) => SQL;
  /**
   * The SKU change feed (migration 0026) lists the row's id for every write `dependsOn` and the row
   * cover besides the market configuration: the response cache then asks the feed first.
   */
  changes?: true;
}

/**
 * What row access needs to know of a resource type; every resource definition is one. Rows live in
 * `table`, one mode at a time; `scope` is what a sales channel may see of them.
 */
export interface RowSource {
  type: string;
  table: PgTable;
  scope?: (p: ScopeParams) => SQL;
  attributes: Record<string, { withRow?: WithRow }>;
  cache?: CachePolicy;
}
