import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { createLogger } from './logger';
import { setPoolConnections } from './metrics';
import type { MetricsSource } from './metrics-endpoint';
import { warmStart } from './warm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

export interface Serving {
  app: FastifyInstance;
  /** Stop taking requests, finish those in flight, then run `after` (close the pool…) and flush the log. */
  drain(after: () => Promise<void>): Promise<void>;
}

/**
 * How long a SIGTERM may take, in every state (database up, down, restarting; placements in flight):
 * requests in flight get DRAIN_REQUESTS_MS to finish (then their connections are closed), then
 * `after` runs (pool end, bounded in open.ts; the embedded PostgreSQL's stop, bounded in
 * supervise.ts), and the process exits at EXIT_MS (a worker at WORKER_EXIT_MS, so that its primary
 * can still stop PostgreSQL within the same 5 s) whatever is still pending.
 */
export const DRAIN_REQUESTS_MS = 2_000;
export const EXIT_MS = 4_500;
export const WORKER_EXIT_MS = 2_600;

/**
 * One server process (alone, or a worker): the app on the shared port, with the process's logger.
 * On drain, `/ready` turns 503 at once, the listening socket closes, requests in flight finish
 * (keep-alive connections are closed as they go idle), within the bounds above.
 */
export async function serve(config: Config, database: Database, metricsSource?: MetricsSource): Promise<Serving> {
  const { logger, flush } = createLogger(config.logLevel);
  setPoolConnections(database.sql.options.max);
  const app = await buildApp({ config, database, loggerInstance: logger, metricsSource });
  await warmStart(app, database, config);
  await app.listen({ port: config.port, host: config.host });
  let draining: Promise<void> | undefined;
  const drain = (after: () => Promise<void>) => {
    draining ??= (async () => {
      app.readiness.draining = true;
      const force = setTimeout(() => process.exit(1), cluster.isWorker ? WORKER_EXIT_MS : EXIT_MS).unref();
      const idle = setInterval(() => app.server.closeIdleConnections(), 50).unref();
      try {
        const closed = app.close().then(() => true);
        if (!(await Promise.race([closed, sleep(DRAIN_REQUESTS_MS).then(() => false)]))) {
          logger.warn(`requests still in flight after ${DRAIN_REQUESTS_MS} ms of shutdown: closing their connections`);
          app.server.closeAllConnections();
        }
        await after();
      } finally {
        clearInterval(idle);
        clearTimeout(force);
        await flush();
      }
    })();
    return draining;
  };
  return { app, drain };
}
