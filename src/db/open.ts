import type { Config } from '../config';
import { connect, type Database } from './client';
import { type EmbeddedServer, startEmbedded } from './embedded';
import { runMigrations } from './migrate';

export interface OpenDatabase {
  database: Database;
  /** Where it is, for other processes (workers) to connect to. */
  url: string;
  embedded?: EmbeddedServer;
  /** Close the pool, then stop the embedded server if we started it. */
  close(): Promise<void>;
}

/** DATABASE_URL when set, otherwise the embedded PostgreSQL in DATA_DIR; migrations applied either way. */
export async function openDatabase(config: Config, log: (m: string) => void = () => {}): Promise<OpenDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbedded(config.dataDir, log, {
        rootHome: config.embeddedPgHome,
        sharedBuffersMb: config.embeddedSharedBuffersMb,
      });
  const url = config.databaseUrl ?? (await ensureDatabase(embedded!));
  const database = connect(url, Math.max(2, config.dbPoolSize));
  try {
    await runMigrations(database);
  } catch (e) {
    await database.close();
    await embedded?.stop();
    throw e;
  }
  return {
    database,
    url,
    embedded,
    close: async () => {
      // at most 0.5 s for the pool (a shutdown has finished its requests by now), so SIGTERM stays under 5 s
      await Promise.race([database.close(), new Promise((r) => setTimeout(r, 500).unref())]);
      await embedded?.stop();
    },
  };
}

/** The embedded cluster keeps Allot's data in its own database, `allot`. */
async function ensureDatabase(server: EmbeddedServer): Promise<string> {
  const admin = connect(server.url, 1);
  try {
    const rows = await admin.sql`select 1 from pg_database where datname = 'allot'`;
    if (!rows.length) await admin.sql`create database allot`;
  } finally {
    await admin.close();
  }
  const u = new URL(server.url);
  u.pathname = '/allot';
  return u.toString();
}
