import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { applications } from '../db/schema/auth';
import { errors } from '../jsonapi/errors';
import { serializeResource } from '../jsonapi/serialize';
import { attr, defineResource } from '../resources/define';
import type { AppDeps } from './deps';
import { JSONAPI } from './errors';

const t = applications;

/** `GET /api/application`: the calling application (a singleton, outside the registry). */
export const applicationResource = defineResource({
  type: 'application',
  singular: 'application',
  description: 'The application the access token was issued to.',
  table: t,
  actions: ['retrieve'],
  attributes: {
    name: attr.string({ column: t.name }),
    kind: attr.string({ column: t.kind }),
    public_access: attr.boolean({ read: (r) => r.kind === 'sales_channel' }),
    redirect_uri: attr.string({ read: () => null }),
    uid: attr.string({ column: t.client_id }),
    scopes: attr.string({ column: t.scope }),
    role: attr.string({ column: t.role }),
  },
  relationships: {},
});

export function registerApplicationRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get('/application', async (request, reply) => {
    if (Object.keys(request.query as object).length)
      throw errors.paramNotAllowed(Object.keys(request.query as object)[0]!);
    const rows = await deps.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, request.ctx.caller.applicationId));
    const row = rows[0];
    if (!row) throw errors.recordNotFound();
    const data = serializeResource(
      applicationResource,
      { ...row, uid: row.client_id, scopes: row.scope },
      { ctx: request.ctx, fields: {} },
    );
    data.links.self = `${request.ctx.baseUrl}/api/application`;
    return reply.type(JSONAPI).send(JSON.stringify({ data }));
  });
}
