import { sql } from 'drizzle-orm';
import { jsonb, text, timestamp } from 'drizzle-orm/pg-core';

/** test and live are two datasets in the same tables; every query is scoped by `mode` (docs/wire-format.md#modes). */
export const modeColumn = () => text('mode').notNull();

export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Columns every Commerce Layer resource has. Column keys are the API attribute names, so a row
 * read through Drizzle is already keyed the way the resource definition speaks.
 */
export const baseColumns = () => ({
  id: text('id').primaryKey(),
  mode: modeColumn(),
  reference: text('reference'),
  reference_origin: text('reference_origin'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  created_at: ts('created_at').notNull().defaultNow(),
  updated_at: ts('updated_at').notNull().defaultNow(),
});
