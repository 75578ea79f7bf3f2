import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './common';

/**
 * Revoked access tokens (POST /oauth/revoke), keyed by the token's `jti` (or a hash of a token
 * without one) and kept until the token would have expired anyway. `generation` orders them: it
 * comes from `token_revocations_version`, whose row lock makes generations commit in order.
 */
export const tokenRevocations = pgTable(
  'token_revocations',
  {
    jti: text('jti').primaryKey(),
    expires_at: ts('expires_at').notNull(),
    generation: bigint('generation', { mode: 'number' }).notNull(),
    revoked_at: ts('revoked_at').notNull().defaultNow(),
  },
  (t) => [
    index('token_revocations_generation_idx').on(t.generation),
    index('token_revocations_expires_at_idx').on(t.expires_at),
  ],
);

/** How many revocations have committed: every process compares it with what it has loaded (auth/revocations.ts). */
export const tokenRevocationsVersion = pgTable(
  'token_revocations_version',
  {
    id: integer('id').primaryKey().default(1),
    n: bigint('n', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('token_revocations_version_single_row', sql`${t.id} = 1`)],
);
