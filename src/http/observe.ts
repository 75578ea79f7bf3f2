import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countRateLimited, observeRequest } from '../ops/metrics';

/** Probes and scrapes: counted in metrics, logged only at debug (load balancers ask every few seconds). */
const QUIET = new Set(['/health', '/ready', '/metrics']);

/**
 * One access-log line per request, written when the response has gone (instead of Fastify's
 * "incoming request" and "request completed" pair): method, route pattern, status, duration in ms,
 * the calling application and the request id. The same moment feeds the request metrics
 * (placements are counted by the `_place` trigger itself: src/behaviour/orders.ts).
 */
export function registerObservation(app: FastifyInstance, knownType: (type: string) => boolean): void {
  // a callback, not an async function: no promise per request
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const ms = reply.elapsedTime;
    const status = reply.statusCode;
    const route = routeOf(request, status, knownType);
    observeRequest(request.method, route, status, ms / 1000);
    if (status === 429) countRateLimited();
    const line = {
      method: request.method,
      route,
      status,
      ms: Math.round(ms * 100) / 100,
      app: request.ctx?.caller.applicationId,
    };
    if (QUIET.has(route)) request.log.debug(line);
    else request.log.info(line);
    done();
  });
}

/** The route pattern with its resource type filled in (`/api/skus/:id`), never a raw URL: labels stay few. */
function routeOf(request: FastifyRequest, status: number, knownType: (type: string) => boolean): string {
  const url = request.routeOptions.url;
  if (!url) return status === 404 ? '(no route)' : '(unrouted)';
  const type = (request.params as { type?: string } | undefined)?.type;
  return type && knownType(type) ? url.replace(':type', type) : url;
}

/**
 * Request ids unique across processes and restarts (a random prefix per process, then a counter),
 * or the proxy's `X-Request-Id` when it sends a sensible one: they end up in logs and in `versions`.
 */
export function requestIds(): (req: IncomingMessage) => string {
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given)) return given;
    return `${prefix}-${(++n).toString(36)}`;
  };
}
