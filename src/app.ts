import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { loadSigningKey, organizationId } from './auth/keys';
import { Revocations } from './auth/revocations';
import { type TokenIssuer, TokenVerifier } from './auth/tokens';
import type { Config } from './config';
import type { Database, DbEvent } from './db/client';
import { startStatisticsKeeper } from './db/statistics';
import { seedEvents } from './events/catalog';
import { startDeliverer } from './events/deliver';
import { startRetention } from './events/retention';
import { startStockWatch } from './events/stock-watch';
import { registerApplicationRoute } from './http/application';
import { registerConsole } from './http/console';
import { registerParsers } from './http/content';
import type { AppDeps } from './http/deps';
import { clientErrorHandler, JSONAPI, registerErrorHandling } from './http/errors';
import { apiGuard } from './http/guard';
import { registerHealth } from './http/health';
import { registerWrites } from './http/idempotency';
import { registerAttachmentRoute, registerJobRoutes } from './http/jobs';
import { registerOAuthRoutes } from './http/oauth';
import { registerObservation, requestIds } from './http/observe';
import { registerOpenApi } from './http/openapi';
import { registerOrganizationRoute } from './http/organization';
import { RateLimiter } from './http/rate-limit';
import { TableCounts } from './http/rate-limit-store';
import { registerResourceRoutes } from './http/resources';
import { SingleCache } from './http/single-cache';
import { startJobWorkers } from './jobs/workers';
import { errors } from './jsonapi/errors';
import { backgroundLog } from './ops/background-log';
import { localMetrics, type MetricsSource, registerMetricsRoute } from './ops/metrics-endpoint';
import { Readiness } from './ops/readiness';
import { startFeedPruner } from './query/changes';
import { startListKeeper } from './query/list-keeper';
import { commitsAreDurable } from './query/probe';
import { forgetMarkets } from './resources/sku-inventory';
import { startSweeper } from './services/sweeper';
import { buildRegistry } from './wiring';

export interface BuildOptions {
  config: Config;
  database: Database;
  /** pino options or false; tests pass false. */
  logger?: boolean | object;
  /** The process's own logger (server.ts: an asynchronous destination); takes the place of `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** What `/metrics` serves under METRICS_TOKEN (default: this process's registry). */
  metricsSource?: MetricsSource;
}

/** Build the Fastify instance (no listen): tests drive it with inject() or listen on port 0. */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config, database, logger, loggerInstance } = opts;
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: logger ?? { level: config.logLevel } }),
    // one line per request instead, from http/observe.ts
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIds(),
    bodyLimit: 1024 * 1024,
    // behind a TLS proxy, links (and the client IP of rate limits) come from X-Forwarded-* when trusted
    trustProxy: config.trustProxy,
    // keys such as filter[q][name_eq] stay flat; repeated keys become arrays
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    return503OnClosing: true,
    clientErrorHandler,
    // router-level failures (bad percent-escapes, over-long ids) answered in the catalogue's format too
    // biome-ignore lint/suspicious/noExplicitAny: Fastify types this reply with the default route generics only
    frameworkErrors: (err, _request, reply: any) => {
      const e =
        err.statusCode === 414
          ? errors.badRequest('INVALID_RESOURCE_ID', 'Invalid resource id', 'The id in the URL is too long.')
          : errors.badRequest('BAD_REQUEST', 'Bad request', 'The URL could not be decoded.');
      void reply
        .status(e.status)
        .type(JSONAPI)
        .send(JSON.stringify({ errors: e.errors }));
    },
  });
  const issuer: TokenIssuer = {
    key: await loadSigningKey(database.db),
    issuer: `https://auth.${config.domain}`,
    organization: { id: await organizationId(database.db), slug: config.organizationSlug },
  };
  // a background task failing the same way again is counted, not written out each time (ops/background-log.ts)
  const bg = backgroundLog(app.log);
  const limiter = config.rateLimits
    ? new RateLimiter(Date.now, new TableCounts(database.sql), {
        onError: (e) => bg('warn', 'rate limits: counted locally for 1 s, the database did not answer', e),
      })
    : undefined;
  if (limiter) {
    const timer = setInterval(() => limiter.prune(), 60_000).unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      limiter.close();
    });
  }
  const readiness = new Readiness(database);
  app.decorate('readiness', readiness);
  app.addHook('onClose', async () => void (readiness.draining = true));
  const stopSweeper = startSweeper(database.db, 30_000, (e) => bg('error', 'reservation sweeper', e));
  app.addHook('onClose', () => stopSweeper());
  const stopStatistics = startStatisticsKeeper(database.sql, 2_000, (e) => bg('warn', 'statistics keeper', e));
  app.addHook('onClose', async () => stopStatistics());
  const stopListKeeper = startListKeeper(database.sql, 5_000, (e) => bg('warn', 'list counts keeper', e));
  app.addHook('onClose', async () => stopListKeeper());
  const stopFeedPruner = startFeedPruner(database.sql, 5_000, (e) => bg('warn', 'change feed pruner', e));
  app.addHook('onClose', async () => stopFeedPruner());
  const durable = config.responseCacheMb > 0 && (await commitsAreDurable(database.sql));
  if (config.responseCacheMb > 0 && !durable)
    app.log.warn(
      'response cache off: synchronous_commit or fsync is off, so a crash could reuse transaction ids it relies on',
    );
  const responseCache = new SingleCache(database.db, durable ? config.responseCacheMb * 1024 * 1024 : 0);
  app.decorate('responseCache', responseCache);
  const logDb = (e: DbEvent) => app.log[e.level]({ err: e.err }, `database: ${e.msg}`);
  database.onEvent.add(logDb);
  app.addHook('onClose', async () => void database.onEvent.delete(logDb));
  const forget = () => {
    responseCache.clear();
    forgetMarkets(database.db);
  };
  database.onConnectionClosed.add(forget);
  app.addHook('onClose', async () => void database.onConnectionClosed.delete(forget));
  const revocations = new Revocations(database, (m, err) => bg('warn', m, err));
  await revocations.start();
  app.addHook('onClose', () => revocations.close());
  const reg = buildRegistry();
  // imports and exports run in the background, in whichever process claims them first
  const workers = startJobWorkers(database, reg, {
    workers: config.jobWorkers,
    onError: (err, job) => bg('error', 'background job', err, { job }),
  });
  app.addHook('onClose', () => workers.stop());
  await seedEvents(database.sql, reg);
  const stopDeliverer = startDeliverer(database, {
    ...config.webhooks,
    perWebhook: Math.max(1, Math.floor(config.webhooks.concurrency / 4)),
    reg,
    baseUrl: config.publicUrl ?? `https://${config.organizationSlug}.${config.domain}`,
    organizationId: issuer.organization.id,
    log: (m, err) => bg('warn', m, err),
  });
  app.addHook('onClose', () => stopDeliverer());
  const { retentionDays: days, pruneEveryMs: everyMs } = config.webhooks;
  const stopRetention = startRetention(database.sql, { days, everyMs, batch: 1_000 }, (err) =>
    bg('warn', 'webhook retention', err),
  );
  app.addHook('onClose', () => stopRetention());
  const stopStockWatch = startStockWatch(database.db, reg, config.webhooks.pollMs, (err) =>
    bg('warn', 'stock watch', err),
  );
  app.addHook('onClose', () => stopStockWatch());
  const deps: AppDeps = {
    config,
    database,
    reg,
    issuer,
    verifier: new TokenVerifier(issuer, revocations),
    revocations,
    limiter,
    responseCache,
  };

  registerErrorHandling(app);
  registerObservation(app, (type) => deps.reg.get(type) !== undefined);
  registerHealth(app, readiness);
  if (config.metricsToken) registerMetricsRoute(app, config.metricsToken, opts.metricsSource ?? localMetrics);
  registerParsers(app);
  await app.register(formbody);
  registerOAuthRoutes(app, deps);
  registerOpenApi(app, deps);
  registerConsole(app);
  registerAttachmentRoute(app, deps);
  await app.register(
    async (api) => {
      api.addHook('onRequest', apiGuard(deps));
      registerWrites(api, deps);
      registerApplicationRoute(api, deps);
      registerOrganizationRoute(api, deps);
      registerJobRoutes(api, deps, workers.kick);
      registerResourceRoutes(api, deps);
    },
    { prefix: '/api' },
  );
  return app;
}
