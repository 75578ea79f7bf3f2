import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { applications } from '../db/schema/auth';
import { attr, defineResource } from '../resources/define';
import type { AppDeps } from './deps';
import { registerSingleton, singletonOf } from './singleton';

const t = applications;

/** `GET /api/application`: the calling application. Type `applications`, as the SDK's `isApplication` expects. */
export const applicationResource = singletonOf(
  defineResource({
    type: 'applications',
    singular: 'application',
    description: 'The application the access token was issued to.',
    table: t,
    actions: ['retrieve'],
    attributes: {
      name: attr.string({ column: t.name, description: 'The application name.' }),
      kind: attr.string({
        column: t.kind,
        enum: ['integration', 'sales_channel'],
        description: 'The application kind.',
      }),
      public_access: attr.boolean({
        read: (r) => r.kind === 'sales_channel',
        description: 'Whether its credentials may be public (sales channels).',
      }),
      redirect_uri: attr.string({ read: () => null }),
      uid: attr.string({ read: (r) => r.client_id, description: 'The client id.' }),
      scopes: attr.string({ read: (r) => r.scope, description: 'The default scope of its tokens.' }),
      role: attr.string({ column: t.role, description: 'admin or read_only (integrations).' }),
    },
    relationships: {},
  }),
);

export function registerApplicationRoute(api: FastifyInstance, deps: AppDeps): void {
  registerSingleton(api, 'application', applicationResource, async (_request, ctx) => {
    const rows = await deps.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, ctx.caller.applicationId));
    return rows[0];
  });
}
