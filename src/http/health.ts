import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../ops/readiness';

/**
 * For load balancers and orchestrators, unauthenticated and cheap. `/health`: the process answers
 * (no database call). `/ready`: it should be sent traffic (database reachable, schema migrated, not
 * shutting down), else 503 with the reason.
 */
export function registerHealth(app: FastifyInstance, readiness: Readiness): void {
  app.get('/health', async (_request, reply) => reply.type('application/json').send('{"status":"ok"}'));
  app.get('/ready', async (_request, reply) => {
    const state = await readiness.check();
    return reply
      .status(state.ready ? 200 : 503)
      .type('application/json')
      .send(JSON.stringify(state.ready ? { status: 'ready' } : { status: 'unavailable', reason: state.reason }));
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** `/ready`'s state; server.ts sets `draining` when shutdown begins. */
    readiness: Readiness;
  }
}
