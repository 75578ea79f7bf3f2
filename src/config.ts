import os from 'node:os';
import path from 'node:path';

/** Everything Allot reads from the environment, parsed once and passed in (never read at import time). */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /**
   * As root: where the embedded PostgreSQL goes when the postgres user cannot reach DATA_DIR
   * (default /var/lib/allot).
   */
  embeddedPgHome?: string;
  /** The embedded PostgreSQL's `shared_buffers` in MiB (default: a quarter of memory, src/db/pg-memory.ts). */
  embeddedSharedBuffersMb?: number;
  databaseUrl?: string;
  applicationsFile?: string;
  organizationSlug: string;
  /** `GET /api/organization`'s name (ORGANIZATION_NAME, default the slug). */
  organizationName: string;
  /** Issuer domain in tokens: `iss = https://auth.{domain}`; the SDK derives `https://{slug}.{domain}/api` from it. */
  domain: string;
  publicUrl?: string;
  /**
   * Fastify's `trustProxy`: whom to believe about X-Forwarded-Proto/-Host/-For (links, client IP).
   * false (default), true (everyone), a hop count, or addresses/CIDRs/`loopback`… as proxy-addr reads them.
   */
  trustProxy: TrustProxy;
  rateLimits: boolean;
  /** Prepare the pool and statistics before listening (src/ops/warm.ts); WARM_START=off skips it. */
  warmStart: boolean;
  logLevel: string;
  /** Size of the PostgreSQL connection pool of this process. */
  dbPoolSize: number;
  /** Server processes on the port (node:cluster); 1: this process alone. */
  workers: number;
  /**
   * `/metrics` on this port only (all workers summed), or on the API port behind `Authorization:
   * Bearer {metricsToken}`.
   */
  metricsPort?: number;
  metricsToken?: string;
  /** Memory for single GET responses kept per process, in MiB; each hit is confirmed by a probe (0: off). */
  responseCacheMb: number;
  /** Imports and exports this process runs at once (0: it leaves them to other processes). */
  jobWorkers: number;
  /**
   * Webhook delivery (docs/webhooks.md): how long a receiver has to answer, the first retry's delay
   * (doubling), how often to look for due events, and tries in flight per process; how many days
   * finished deliveries and their callbacks are kept (0: for ever), and how often they are pruned.
   */
  webhooks: {
    timeoutMs: number;
    retryMs: number;
    pollMs: number;
    concurrency: number;
    retentionDays: number;
    pruneEveryMs: number;
  };
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

export type TrustProxy = boolean | string | ((address: string, hop: number) => boolean);

const PROXY_ITEM = /^(loopback|linklocal|uniquelocal|[0-9a-f:.]+(\/\d{1,3})?)$/i;

function trustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim();
  if (['', 'off', 'false', '0'].includes(v.toLowerCase())) return false;
  if (['on', 'true'].includes(v.toLowerCase())) return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address, hop) => hop < hops; // what Fastify does with a number, which its types do not admit
  }
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => !PROXY_ITEM.test(s)))
    throw new ConfigError(
      'TRUST_PROXY must be on, off, a hop count, or a comma list of addresses, CIDRs, ' +
        `loopback, linklocal or uniquelocal; got ${JSON.stringify(raw)}`,
    );
  return items.join(',');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const rateLimits = (env.RATE_LIMITS ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(rateLimits)) {
    throw new ConfigError(`RATE_LIMITS must be "on" or "off", got ${JSON.stringify(env.RATE_LIMITS)}`);
  }
  const slug = env.ORGANIZATION_SLUG || 'local';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(slug))
    throw new ConfigError(
      `ORGANIZATION_SLUG must be lowercase letters, digits and dashes, got ${JSON.stringify(slug)}`,
    );
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl))
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got ${JSON.stringify(env.PUBLIC_URL)}`);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(cwd, env.DATA_DIR || '.data'),
    embeddedPgHome: env.EMBEDDED_PG_HOME ? path.resolve(cwd, env.EMBEDDED_PG_HOME) : undefined,
    embeddedSharedBuffersMb: env.EMBEDDED_PG_SHARED_BUFFERS_MB
      ? int(env, 'EMBEDDED_PG_SHARED_BUFFERS_MB', 0, 16, 1_048_576)
      : undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    applicationsFile: env.APPLICATIONS_FILE ? path.resolve(cwd, env.APPLICATIONS_FILE) : undefined,
    organizationSlug: slug,
    organizationName: env.ORGANIZATION_NAME?.trim() || slug,
    domain: env.DOMAIN || 'allot.localhost',
    publicUrl,
    trustProxy: trustProxy(env.TRUST_PROXY),
    rateLimits: !['off', 'false', '0'].includes(rateLimits),
    warmStart: !['off', 'false', '0'].includes((env.WARM_START ?? 'on').toLowerCase()),
    logLevel: env.LOG_LEVEL || 'info',
    // placements hold a connection for their whole transaction: the pool bounds write concurrency
    // (the whole process group's: WORKERS share it out)
    dbPoolSize: int(env, 'DB_POOL_SIZE', 50, 2, 500),
    workers: int(env, 'WORKERS', os.availableParallelism(), 1, 256),
    metricsPort: env.METRICS_PORT ? int(env, 'METRICS_PORT', 0, 1, 65535) : undefined,
    metricsToken: env.METRICS_TOKEN || undefined,
    responseCacheMb: int(env, 'RESPONSE_CACHE_MB', 64, 0, 65_536),
    jobWorkers: int(env, 'JOB_WORKERS', 2, 0, 64),
    webhooks: {
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 5_000, 1, 60_000),
      retryMs: int(env, 'WEBHOOK_RETRY_MS', 10_000, 1, 3_600_000),
      pollMs: int(env, 'WEBHOOK_POLL_MS', 250, 1, 60_000),
      concurrency: int(env, 'WEBHOOK_CONCURRENCY', 32, 1, 1_000),
      retentionDays: int(env, 'WEBHOOK_RETAIN_DAYS', 30, 0, 36_500),
      pruneEveryMs: int(env, 'WEBHOOK_PRUNE_MS', 600_000, 10, 86_400_000),
    },
  };
}
