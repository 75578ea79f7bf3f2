import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './common';

/**
 * Rate-limit counts shared by every Allot process on this database (http/rate-limit-store.ts): per
 * limit key and fixed window (epoch ms), what all processes have admitted plus the allowance they
 * hold. Changed only through the `rate_limit_sync` function of migration 0012, which also makes the
 * table UNLOGGED (drizzle-kit can say neither): counts need no crash safety nor replication.
 */
export const rateLimitCounts = pgTable(
  'rate_limit_counts',
  {
    key: text('key').notNull(),
    window_start: bigint('window_start', { mode: 'number' }).notNull(),
    total: integer('total').notNull(),
    updated_at: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.window_start] })],
);
