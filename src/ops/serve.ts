import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { createLogger } from './logger';
import { setPoolConnections } from './metrics';
import type { MetricsSource } from './metrics-endpoint';
import { warmStart } from './warm';

export interface Serving {
  app: FastifyInstance;
  /** Stop taking requests, finish those in flight, then run `after` (close the pool…) and flush the log. */
  drain(after: () => Promise<void>): Promise<void>;
}

/**
 * One server process (alone, or a worker): the app on the shared port, with the process's logger.
 * On drain, `/ready` turns 503 at once, the listening socket closes, requests in flight finish
 * (keep-alive connections are closed as they go idle), and the process has 25 s to get there.
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
      const force = setTimeout(() => process.exit(1), 25_000).unref();
      const idle = setInterval(() => app.server.closeIdleConnections(), 50).unref();
      try {
        await app.close();
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
