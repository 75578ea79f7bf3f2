import cluster from 'node:cluster';
import { type Config, loadConfig } from './config';
import { connect } from './db/client';
import { openDatabase } from './db/open';
import { collectProcessMetrics } from './ops/metrics';
import { localMetrics, serveMetrics, workerSource } from './ops/metrics-endpoint';
import { poolPerWorker, prepare } from './ops/prepare';
import { runPrimary } from './ops/primary';
import { serve } from './ops/serve';

/**
 * Process entry. WORKERS=1: this process opens the database and serves. WORKERS>1: this process
 * (the primary) opens the database — starting the embedded PostgreSQL, migrating — and runs that
 * many workers on the port (ops/primary.ts); each worker serves with its share of DB_POOL_SIZE.
 * SIGTERM/SIGINT: stop accepting, finish requests in flight, then stop the database.
 */
const say = (m: string) => process.stderr.write(`[allot] ${m}\n`);

async function single(config: Config) {
  const started = Date.now();
  const db = await openDatabase(config, say);
  await prepare(config, db, Math.max(2, config.dbPoolSize), say);
  const { drain } = await serve(config, db.database);
  const metrics = config.metricsPort ? await serveMetrics(config.metricsPort, config.host, localMetrics) : undefined;
  const stop = () =>
    void drain(async () => {
      metrics?.close();
      await db.close();
    }).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const where = db.embedded ? `embedded PostgreSQL in ${db.embedded.dir}` : 'DATABASE_URL';
  say(`ready on http://${config.host}:${config.port} (${where}) in ${Date.now() - started} ms`);
}

async function worker(config: Config) {
  const database = connect(process.env.ALLOT_WORKER_DATABASE_URL!, poolPerWorker(config));
  const { drain } = await serve(config, database, workerSource());
  const stop = () => void drain(() => database.close()).finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop); // the primary is gone
}

async function main() {
  const config = loadConfig();
  collectProcessMetrics();
  if (cluster.isWorker) return worker(config);
  if (config.workers > 1) return runPrimary(config, say);
  return single(config);
}

main().catch((e) => {
  say(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
