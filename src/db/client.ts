import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index';

export type Db = PostgresJsDatabase<typeof schema>;

/** One pool of connections to one database. `sql` is postgres.js for hand-written hot paths; `db` is Drizzle over it. */
export interface Database {
  sql: postgres.Sql;
  db: Db;
  close(): Promise<void>;
}

export function connect(url: string, max = 10): Database {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'allot' },
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}
