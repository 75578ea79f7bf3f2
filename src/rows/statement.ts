import { fillPlaceholders, getTableColumns, getViewSelectedFields, is, type SQL, View } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import type { Row } from './row';

/** A table's column by row key. */
export const col = (t: PgTable, key: string) => (t as unknown as Record<string, AnyPgColumn>)[key]!;

/** A table's columns by row key; a view's (reserved_stocks) are its selected fields. */
export const columnsOf = (t: PgTable): Record<string, AnyPgColumn> =>
  (is(t, View) ? getViewSelectedFields(t as unknown as View) : getTableColumns(t)) as Record<string, AnyPgColumn>;

/**
 * A statement rendered once by Drizzle with placeholders, run through postgres.js (prepared per
 * connection) and its rows decoded by the columns' own decoders: what Drizzle's prepared queries
 * do, without rebuilding or re-wrapping anything per execution. Every read and write by id uses one.
 */
export interface Rendered {
  text: string;
  params: unknown[];
  /** Result columns in order: property key, and the column decoding it (none: the driver's value). */
  fields: Array<[string, AnyPgColumn | undefined]>;
}

/** Render `select <table's columns (or its id alone)>, <extra> from table <build>` once. */
export function render(
  table: PgTable,
  db: Tx,
  extra: Record<string, SQL>,
  // biome-ignore lint/suspicious/noExplicitAny: Drizzle's select builder types differ per table
  build: (q: any) => { toSQL(): { sql: string; params: unknown[] } },
  idOnly = false,
): Rendered {
  const columns = idOnly ? { id: col(table, 'id') } : columnsOf(table);
  const fields = { ...columns, ...extra };
  const { sql: text, params } = build(db.select(fields).from(table)).toSQL();
  return {
    text,
    params,
    fields: Object.entries(fields).map(([k, f]) => [
      k,
      typeof (f as AnyPgColumn).mapFromDriverValue === 'function' ? (f as AnyPgColumn) : undefined,
    ]),
  };
}

export async function runRendered(client: Tx, r: Rendered, values: Record<string, unknown>): Promise<Row[]> {
  const raw = await rawClient(client)
    .unsafe(r.text, fillPlaceholders(r.params, values) as never[])
    .values();
  return raw.map((cells: unknown[]) => {
    const row: Row = {};
    for (let i = 0; i < r.fields.length; i++) {
      const [key, column] = r.fields[i]!;
      const v = cells[i];
      row[key] = v === null || v === undefined ? null : column ? column.mapFromDriverValue(v) : v;
    }
    return row;
  });
}
