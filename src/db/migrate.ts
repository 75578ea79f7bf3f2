import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './client';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Apply the committed drizzle-kit migrations. Serialised with an advisory lock held by one pooled
 * connection while the migrator uses another (so the pool needs two), so that two servers starting on
 * one database don't race.
 */
export async function runMigrations(database: Database): Promise<void> {
  await database.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(727274)`;
    await migrate(database.db, { migrationsFolder: MIGRATIONS_DIR });
  });
}
