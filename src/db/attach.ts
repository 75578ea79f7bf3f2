import type { Config } from '../config';
import { connect, type Database } from './client';
import { EMBEDDED_PASSWORD, EMBEDDED_USER, runningPort } from './embedded';
import { openDatabase } from './open';

/**
 * For command-line tools: DATABASE_URL, or the embedded PostgreSQL a running server already holds
 * (found through its postmaster.pid), or else the embedded one started just for this command.
 */
export async function attachDatabase(config: Config): Promise<{ database: Database; close(): Promise<void> }> {
  const port = config.databaseUrl ? undefined : runningPort(config.dataDir);
  if (port) {
    const database = connect(`postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/allot`, 2);
    return { database, close: () => database.close() };
  }
  const open = await openDatabase(config);
  return { database: open.database, close: () => open.close() };
}
