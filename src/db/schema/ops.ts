import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './common';

/**
 * Rate-limit counts shared by every Allot process on this database (http/rate-limit-store.ts):
 * one row per limit key, fixed window (epoch ms) and process. UNLOGGED in its migration (drizzle-kit
 * cannot say so): counts need neither crash safety nor replication.
 */
export const rateLimitCounts = pgTable(
  'rate_limit_counts',
  {
    key: text('key').notNull(),
    window_start: bigint('window_start', { mode: 'number' }).notNull(),
    instance: text('instance').notNull(),
    count: integer('count').notNull(),
    updated_at: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.window_start, t.instance] })],
);
