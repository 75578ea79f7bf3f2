import { bootstrapApplication, upsertFromFile } from '../auth/applications';
import type { Config } from '../config';
import type { OpenDatabase } from '../db/open';

/** What the first process does once the database is open: applications, a first admin, a pool check. */
export async function prepare(
  config: Config,
  db: OpenDatabase,
  connections: number,
  say: (m: string) => void,
): Promise<void> {
  if (config.applicationsFile)
    say(
      `upserted ${await upsertFromFile(db.database.db, config.applicationsFile)} application(s) from ` +
        `${config.applicationsFile}`,
    );
  const boot = await bootstrapApplication(db.database.db);
  if (boot) {
    say(
      'no application existed: created an integration admin application in test mode. Save these ' +
        'credentials, they are shown once:',
    );
    process.stdout.write(
      `${JSON.stringify(
        {
          name: boot.application.name,
          kind: 'integration',
          role: 'admin',
          mode: 'test',
          client_id: boot.client_id,
          client_secret: boot.client_secret,
        },
        null,
        2,
      )}\n`,
    );
  }
  const [{ max }] = await db.database.sql<{ max: number }[]>`select current_setting('max_connections')::int as max`;
  if (connections > max - 3)
    say(
      `warning: this instance may open ${connections} connections but PostgreSQL allows ${max} (less ` +
        `3 reserved): lower DB_POOL_SIZE or raise max_connections`,
    );
}

/** Each worker's share of DB_POOL_SIZE (which counts for the whole instance). */
export const poolPerWorker = (config: Config) => Math.max(2, Math.floor(config.dbPoolSize / config.workers));
