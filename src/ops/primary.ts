import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config';
import { openDatabase } from '../db/open';
import { clusterSource, serveMetrics } from './metrics-endpoint';
import { poolPerWorker, prepare } from './prepare';
import { WORKER_EXIT_MS } from './serve';

/**
 * WORKERS > 1: this process opens the database once (the embedded PostgreSQL is started here, and
 * migrations run here), then runs `config.workers` server processes on the port (node:cluster
 * hands each new connection to one of them). It serves nothing itself but the summed metrics on
 * METRICS_PORT. A worker that dies is replaced (after a growing pause if it keeps dying young);
 * SIGTERM/SIGINT drains every worker, then stops the database.
 */
export async function runPrimary(config: Config, say: (m: string) => void): Promise<void> {
  const started = Date.now();
  const db = await openDatabase({ ...config, dbPoolSize: 2 }, say);
  const each = poolPerWorker(config);
  await prepare(config, db, each * config.workers, say);
  await db.database.close(); // the workers have their own pools; this process needs none
  const metrics = clusterSource();
  const metricsServer = config.metricsPort ? await serveMetrics(config.metricsPort, config.host, metrics) : undefined;

  const env = { ALLOT_WORKER_DATABASE_URL: db.url };
  const born = new Map<Worker, number>();
  let stopping = false;
  let pause = 0;
  const fork = () => born.set(cluster.fork(env), Date.now());
  for (let i = 0; i < config.workers; i++) fork();

  let listening = 0;
  const allUp = new Promise<void>((resolve, reject) => {
    cluster.on('listening', () => ++listening === config.workers && resolve());
    cluster.on('exit', (worker, code, signal) => {
      const age = Date.now() - (born.get(worker) ?? 0);
      born.delete(worker);
      if (stopping) return;
      if (listening < config.workers) return reject(new Error(`a worker exited while starting (${signal ?? code})`));
      pause = age < 10_000 ? Math.min(30_000, Math.max(250, pause * 2)) : 0;
      say(
        `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); ` +
          `starting another${pause ? ` in ${pause} ms` : ''}`,
      );
      setTimeout(fork, pause);
    });
  });

  const stop = async (failed: boolean) => {
    if (stopping) return;
    stopping = true;
    const workers = [...born.keys()];
    const gone = Promise.all(workers.map((w) => new Promise((r) => (w.isDead() ? r(null) : w.once('exit', r)))));
    for (const w of workers) w.process.kill('SIGTERM');
    // a worker exits by WORKER_EXIT_MS itself; one that does not is killed, so PostgreSQL stops within 5 s
    const late = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
    }, WORKER_EXIT_MS + 200).unref();
    setTimeout(() => process.exit(1), 4_800).unref(); // the last bound: whatever is pending, exit within 5 s
    await gone;
    clearTimeout(late);
    metricsServer?.close();
    await db.close();
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void stop(false));
  process.on('SIGINT', () => void stop(false));
  try {
    await allUp;
  } catch (e) {
    say(`failed to start: ${(e as Error).message}`);
    return stop(true);
  }
  const where = db.embedded ? `embedded PostgreSQL in ${db.embedded.dir}` : 'DATABASE_URL';
  say(
    `ready on http://${config.host}:${config.port} (${config.workers} workers with ${each} database ` +
      `connections each, ${where}) in ${Date.now() - started} ms`,
  );
}
