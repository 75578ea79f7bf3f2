import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from '../auth/applications';
import { resolveScope } from '../auth/scope';
import { mintToken, type VerifiedToken } from '../auth/tokens';
import { errors } from '../jsonapi/errors';
import type { AppDeps } from './deps';
import { authLimit } from './rate-limit';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The largest body the auth endpoints read (README, "The token endpoint's limits"): a scope of
 * MAX_SCOPE_TERMS long terms and the credentials fit with room to spare; more is a 413 before any of
 * it is read.
 */
export const AUTH_BODY_LIMIT = 16 * 1024;

/**
 * The auth endpoints (docs/wire-format.md#tokens), JSON or form-encoded bodies; errors in OAuth's
 * JSON flavour (numeric status).
 */
export function registerOAuthRoutes(app: FastifyInstance, deps: AppDeps): void {
  // counted (deployment-wide) as the request arrives, before its body is read: a refused one costs nothing more
  const limit = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.limiter) return;
    const v = await deps.limiter.check(authLimit(request.ip));
    void reply.headers(v.headers);
    if (!v.allowed) throw errors.tooManyRequests(v.headers);
  };
  const bounded = { bodyLimit: AUTH_BODY_LIMIT, onRequest: limit };
  const bodyOf = (request: FastifyRequest, required: string) => {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw errors.paramMissing(required);
    return body as Record<string, unknown>;
  };
  const client = async (body: Record<string, unknown>) => {
    const clientId = str(body.client_id);
    const found = clientId && (await authenticateClient(deps.database.db, clientId, str(body.client_secret)));
    if (!found) throw errors.invalidCredentials();
    return found;
  };

  app.post('/oauth/token', bounded, async (request, reply) => {
    const body = bodyOf(request, 'grant_type');
    const grant = str(body.grant_type);
    if (!grant) throw errors.paramMissing('grant_type');
    if (grant !== 'client_credentials')
      throw errors.badRequest(
        'UNSUPPORTED_GRANT_TYPE',
        'Unsupported grant type',
        `${grant} is not supported; use client_credentials.`,
      );
    const app = await client(body);
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

  // RFC 7009, as js-auth's revoke() and the CLI's token:revoke send it: the client authenticates as at
  // /oauth/token and may revoke only its own tokens; one that is already invalid is answered like a success
  app.post('/oauth/revoke', bounded, async (request, reply) => {
    const body = bodyOf(request, 'token');
    const token = str(body.token);
    if (!token) throw errors.paramMissing('token');
    const app = await client(body);
    let verified: VerifiedToken | undefined;
    try {
      verified = await deps.verifier.check(token);
    } catch {
      verified = undefined; // expired, tampered or garbage: nothing left to revoke
    }
    if (verified && verified.caller.applicationId !== app.id)
      throw errors.badRequest('UNAUTHORIZED_CLIENT', 'Unauthorized client', 'The token was not issued to this client.');
    if (verified) await deps.revocations.revoke(verified.key, verified.exp);
    return reply.type('application/json').send('{}');
  });

  // js-auth's jwtVerify fetches `${iss}/.well-known/jwks.json`
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.type('application/json').send(JSON.stringify({ keys: [deps.issuer.key.publicJwk] })),
  );
}
