import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../auth/context';
import { errors } from '../jsonapi/errors';
import { negotiate } from './content';
import type { AppDeps } from './deps';
import { limitsFor } from './rate-limit';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

export function baseUrl(deps: AppDeps, request: FastifyRequest): string {
  return deps.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Every /api request: content negotiation, a valid bearer token, then the rate limit of its mode. */
export function apiGuard(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    negotiate(request);
    const header = request.headers.authorization;
    const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!m) throw errors.unauthorized();
    const caller = await deps.verifier.verify(m[1]!);
    request.ctx = { mode: caller.mode, caller, baseUrl: baseUrl(deps, request), requestId: request.id };
    if (deps.limiter) {
      const type = (request.params as { type?: string }).type ?? '';
      const endpoint = `${request.method} ${(request.routeOptions.url ?? '').replace(':type', type)}`;
      const v = await deps.limiter.check(limitsFor(request.ip, caller.mode, request.method, type, endpoint));
      void reply.headers(v.headers);
      if (!v.allowed) throw errors.tooManyRequests(v.headers);
    }
  };
}
