import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateClient } from '../auth/applications';
import { resolveScope } from '../auth/scope';
import { mintToken } from '../auth/tokens';
import { errors } from '../jsonapi/errors';
import type { AppDeps } from './deps';
import { authLimit } from './rate-limit';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function registerOAuthRoutes(app: FastifyInstance, deps: AppDeps): void {
  // errors are rendered by the error handler in OAuth's JSON flavour (numeric status)
  app.post('/oauth/token', async (request: FastifyRequest, reply) => {
    if (deps.limiter) {
      const v = deps.limiter.hit(authLimit(request.ip));
      void reply.headers(v.headers);
      if (!v.allowed) throw errors.tooManyRequests(v.headers);
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object') throw errors.paramMissing('grant_type');
    const grant = str(body.grant_type);
    if (!grant) throw errors.paramMissing('grant_type');
    if (grant !== 'client_credentials')
      throw errors.badRequest(
        'UNSUPPORTED_GRANT_TYPE',
        'Unsupported grant type',
        `${grant} is not supported; use client_credentials.`,
      );
    const clientId = str(body.client_id);
    if (!clientId) throw errors.invalidCredentials();
    const app = await authenticateClient(deps.database.db, clientId, str(body.client_secret));
    if (!app) throw errors.invalidCredentials();
    const requested = body.scope === undefined ? undefined : String(body.scope);
    const scope = await resolveScope(deps.database.db, app, requested);
    const token = await mintToken(deps.issuer, {
      applicationId: app.id,
      kind: app.kind as 'integration' | 'sales_channel',
      role: (app.role as 'admin' | 'read_only' | null) ?? null,
      mode: app.mode as 'test' | 'live',
      ...scope,
    });
    return reply.type('application/json').send(JSON.stringify(token));
  });

  // js-auth's jwtVerify fetches `${iss}/.well-known/jwks.json`
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.type('application/json').send(JSON.stringify({ keys: [deps.issuer.key.publicJwk] })),
  );
}
