import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext } from '../auth/context';
import { errors } from '../jsonapi/errors';
import { parseQuery } from '../jsonapi/query';
import { serializeResource } from '../jsonapi/serialize';
import { attributesOf, type ResourceDefinition } from '../resources/define';
import type { Row } from '../rows/row';
import { JSONAPI } from './errors';

/** A singleton has no id in its URL and no relationships: the definition's `versions` link would lead nowhere. */
export const singletonOf = (def: ResourceDefinition): ResourceDefinition => ({
  ...def,
  relationships: Object.create(null),
});

/**
 * `GET /api/{path}` for a singleton (`application`, `organization`): the row `load` finds for the
 * caller, shaped like any resource object; `fields[type]` is honoured, any other parameter is a 400.
 */
export function registerSingleton(
  api: FastifyInstance,
  path: string,
  def: ResourceDefinition,
  load: (request: FastifyRequest, ctx: RequestContext) => Promise<Row | undefined>,
): void {
  api.get(`/${path}`, async (request, reply) => {
    const query = request.query as Record<string, string | string[] | undefined>;
    for (const key of Object.keys(query)) if (key !== `fields[${def.type}]`) throw errors.paramNotAllowed(key, key);
    const fields = parseQuery(query).fields[def.type];
    const shown = new Set(attributesOf(def, 'shown').map(([n]) => n));
    for (const f of fields ?? []) if (!shown.has(f)) throw errors.invalidField(def.type, f);
    const row = await load(request, request.ctx);
    if (!row) throw errors.recordNotFound();
    const data = serializeResource(def, row, {
      ctx: request.ctx,
      fields: fields ? { [def.type]: new Set(fields) } : {},
    });
    data.links.self = `${request.ctx.baseUrl}/api/${path}`;
    return reply.type(JSONAPI).send(JSON.stringify({ data }));
  });
}
