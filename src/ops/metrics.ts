import client from 'prom-client';
import { isApiError } from '../jsonapi/errors';
import { RequestMetrics } from './http-metrics';

/**
 * The process's Prometheus metrics (prom-client's global registry), as plain functions that any
 * layer may call: services count what only they know (placements, refused holds) without importing
 * http. Served at /metrics (ops/metrics-endpoint.ts); under WORKERS > 1 the primary sums the
 * workers' registries. Names follow Prometheus conventions: `_total` counters, `_seconds` histograms.
 */
export const registry = client.register;

const LATENCY = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const http = new RequestMetrics(LATENCY);
http.register(registry);
const statementDuration = new client.Histogram({
  name: 'allot_db_statement_duration_seconds',
  help: 'Time from sending a statement (or waiting for a connection to send it on) to its result',
  buckets: LATENCY,
});
const statementsInFlight = new client.Gauge({
  name: 'allot_db_statements_in_flight',
  help: 'Statements awaited and not yet answered; above allot_db_pool_connections, the rest wait for a connection',
});
const poolConnections = new client.Gauge({
  name: 'allot_db_pool_connections',
  help: 'Connections the pool may open (DB_POOL_SIZE share of this process)',
});
const cacheLookups = new client.Counter({
  name: 'allot_response_cache_lookups_total',
  help: 'Single GETs whose response may be kept, by whether a kept response was served (hit) or not (miss)',
  labelNames: ['result'] as const,
});
const placements = new client.Counter({
  name: 'allot_placements_total',
  help: 'Order placements (_place) by outcome: placed, refused (4xx) or failed (5xx)',
  labelNames: ['outcome'] as const,
});
const holdsRefused = new client.Counter({
  name: 'allot_stock_holds_refused_total',
  help: 'Stock holds refused for want of available stock',
});
const rateLimited = new client.Counter({
  name: 'allot_rate_limited_total',
  help: 'Requests refused with 429 by the rate limits',
});
const rateLimitSyncs = new client.Histogram({
  name: 'allot_rate_limit_sync_duration_seconds',
  help: 'Reconciliations of rate-limit counts with the other processes (through the database)',
  buckets: LATENCY,
});

export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  http.observe(method, route, status, seconds);
}

export function observeStatement(seconds: number): void {
  statementDuration.observe(seconds);
}

export function statementStarted(): void {
  statementsInFlight.inc();
}

export function statementEnded(): void {
  statementsInFlight.dec();
}

export function setPoolConnections(n: number): void {
  poolConnections.set(n);
}

export function countCacheLookup(hit: boolean): void {
  cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
}

export type PlacementOutcome = 'placed' | 'refused' | 'failed';

/** One order placement attempt and how it ended. */
export function countPlacement(outcome: PlacementOutcome): void {
  placements.inc({ outcome });
}

/**
 * Counts one order placement by how `attempt` ends (a 4xx refused, anything else thrown failed) and
 * passes its outcome on; the `_place` trigger calls it, so a placement counts once whatever its path
 * (API, import). A `repeat` (`_place` on a placed order, which does nothing) is not counted.
 */
export async function countedPlacement(attempt: Promise<void>, repeat = false): Promise<void> {
  try {
    await attempt;
  } catch (e) {
    if (!repeat) countPlacement(isApiError(e) && e.status < 500 ? 'refused' : 'failed');
    throw e;
  }
  if (!repeat) countPlacement('placed');
}

/** `n` stock holds refused because the stock was not there (an oversell prevented). */
export function countHoldsRefused(n = 1): void {
  holdsRefused.inc(n);
}

export function countRateLimited(): void {
  rateLimited.inc();
}

export function observeRateLimitSync(seconds: number): void {
  rateLimitSyncs.observe(seconds);
}

let defaults = false;
/** Node's own: event loop lag, CPU, memory, GC, handles (once per process). */
export function collectProcessMetrics(): void {
  if (defaults) return;
  defaults = true;
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}
