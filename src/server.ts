import { buildApp } from './app';
import { bootstrapApplication, upsertFromFile } from './auth/applications';
import { loadConfig } from './config';
import { openDatabase } from './db/open';

/** Process entry: config, database, app, listen; on SIGTERM/SIGINT drain requests, then stop the database. */
async function main() {
  const config = loadConfig();
  const started = Date.now();
  const say = (m: string) => process.stderr.write(`[allot] ${m}\n`);
  const db = await openDatabase(config, say);
  if (config.applicationsFile)
    say(
      `upserted ${await upsertFromFile(db.database.db, config.applicationsFile)} application(s) ` +
        `from ${config.applicationsFile}`,
    );
  const boot = await bootstrapApplication(db.database.db);
  if (boot) {
    say(
      'no application existed: created an integration admin application in test mode. ' +
        'Save these credentials, they are shown once:',
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
  const app = await buildApp({ config, database: db.database });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 25_000).unref();
    // keep-alive sockets that finish their in-flight request become idle after close() began: close them too
    setInterval(() => app.server.closeIdleConnections(), 50).unref();
    try {
      await app.close();
      await db.close();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  say(
    `ready on http://${config.host}:${config.port} ` +
      `(${db.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}) in ${Date.now() - started} ms`,
  );
}

main().catch((e) => {
  process.stderr.write(`[allot] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
