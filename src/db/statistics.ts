import type postgres from 'postgres';
import { periodic } from '../lib/periodic';

/**
 * Keeps planner statistics up with tables that grow fast (a new install's first sale, a bench).
 * Every statement runs prepared with a plan cached per connection, made from the statistics of the
 * moment — for a table that was nearly empty, a sequential scan. PostgreSQL re-plans when a table's
 * statistics change, but autovacuum looks only once a minute and after 10% growth; until then a
 * cached plan (and the foreign-key checks') scans ever larger tables, with stock rows locked.
 * So, every few seconds: ANALYZE each table Allot owns that has more than doubled since its last
 * analysis (updates and deletes alone do not count: they leave plans right). Each ANALYZE is its own
 * statement on the pool and skips a table someone else is vacuuming or analyzing (another process
 * included), so autovacuum is never held up and no connection is held: postgres.js 3.4 can strand a
 * reserved connection whose server went away (porsager/postgres#1195, #1199).
 */
export function startStatisticsKeeper(
  sql: postgres.Sql,
  everyMs = 2_000,
  log: (e: unknown) => void = () => {},
): () => Promise<void> {
  // a statement the server never answers must not hold up shutdown: stop waits 5 s at most
  return periodic(
    everyMs,
    async (stopping) => {
      const grown = await sql<Array<{ name: string }>>`
        select c.oid::regclass::text as name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
        where s.schemaname = current_schema() and pg_has_role(c.relowner, 'USAGE')
          and s.n_live_tup > greatest(100, 2 * c.reltuples)`;
      for (const { name } of grown)
        if (!stopping()) await sql.unsafe(`analyze (skip_locked) ${name}`, [], { prepare: false });
    },
    log,
    5_000,
  );
}
