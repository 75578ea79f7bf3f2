import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { modeColumn, ts } from './common';

/**
 * Outcomes of write requests sent with an `Idempotency-Key` (src/http/idempotency.ts), per
 * application and mode, kept 24 hours. The row is inserted by the write's own transaction, so it
 * exists exactly when the write committed; `status` and `body` are filled in just before the reply.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    mode: modeColumn(),
    application_id: text('application_id').notNull(),
    key: text('key').notNull(),
    /** sha256 of method, URL and body: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    method: text('method').notNull(),
    /** The request's URL (path and query), for rendering the outcome again if its reply was never stored. */
    url: text('url').notNull(),
    request_id: text('request_id').notNull(),
    /** The resource written: the created one for POST. */
    resource_id: text('resource_id'),
    status: integer('status'),
    body: text('body'),
    created_at: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.mode, t.application_id, t.key] }),
    index('idempotency_keys_created_at_idx').on(t.created_at),
  ],
);
