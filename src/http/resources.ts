import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../auth/permissions';
import { parseDocument } from '../jsonapi/document';
import { errors } from '../jsonapi/errors';
import { stringifyDocument } from '../jsonapi/json-text';
import { pageLinks } from '../jsonapi/links';
import { type ParsedQuery, parseQuery } from '../jsonapi/query';
import { listRows } from '../query/list';
import { type Presentation, preparePresentation, present } from '../query/present';
import type { BoundDefinition } from '../resources/bind';
import type { Action, ResourceDefinition } from '../resources/define';
import { findRow, findVisibleOr401, visible } from '../rows/find';
import type { Row } from '../rows/row';
import { col } from '../rows/statement';
import { createResource, deleteResource, updateResource } from '../services/crud';
import type { AppDeps } from './deps';
import { JSONAPI } from './errors';

type P = { type: string; id?: string; rel?: string };
type Req = FastifyRequest<{ Params: P; Querystring: Record<string, string | string[]> }>;

const send = (reply: FastifyReply, status: number, body: unknown) =>
  reply.status(status).type(JSONAPI).send(stringifyDocument(body));

/** The generic JSON:API routes, driven entirely by the registry: every served type gets the same endpoints. */
export function registerResourceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { reg } = deps;
  const db = deps.database.db;
  const orgId = deps.issuer.organization.id;
  const cache = deps.responseCache;

  const resolve = (request: Req, action: Action): BoundDefinition => {
    const def = reg.get(request.params.type);
    if (!def) throw errors.routeNotFound(request.url.split('?')[0]!);
    if (!def.actions.includes(action)) throw errors.methodNotAllowed(request.method, def.type);
    authorize(def, action, request.ctx.caller);
    // ids are short alphanumeric strings; anything else cannot name a record (and never reaches SQL)
    if (request.params.id !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(request.params.id))
      throw errors.recordNotFound();
    return def;
  };

  /** `p` was prepared (and so validated) before any database work. */
  const single = async (
    reply: FastifyReply,
    request: Req,
    def: ResourceDefinition,
    row: Row,
    q: ParsedQuery,
    p: Presentation,
    status = 200,
    keep?: { key: string; at: number },
  ) => {
    const doc = await present(db, request.ctx, def, [row], p, { organizationId: orgId, single: true });
    const body = stringifyDocument({
      data: doc.data[0],
      ...(doc.included.length || q.include.length ? { included: doc.included } : {}),
    });
    if (keep) cache.keep(keep.key, row, body, keep.at);
    return reply.status(status).type(JSONAPI).send(body);
  };

  /** A list's own parameters (`listParams`) taken out of the query before the JSON:API ones are parsed. */
  const splitQuery = (def: ResourceDefinition | undefined, query: Req['query']) => {
    const rest = { ...query };
    const params: Record<string, string> = {};
    for (const name of Object.keys(def?.listParams ?? {})) {
      const v = rest[name];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw errors.paramNotAllowed(name);
      params[name] = v;
      delete rest[name];
    }
    return { params, q: parseQuery(rest) };
  };

  const collection = async (
    reply: FastifyReply,
    request: Req,
    def: BoundDefinition,
    { params, q }: ReturnType<typeof splitQuery>,
    extra?: ReturnType<typeof eq>,
    parent?: { type: string; row: Row },
  ) => {
    const p = preparePresentation(reg, def, q, request.ctx);
    const more = def.listMeta ? await def.listMeta({ db, ctx: request.ctx, params, q, parent }) : {};
    const { rows, total } = await listRows(db, reg, def, request.ctx, q, extra);
    const doc = await present(db, request.ctx, def, rows, p, { organizationId: orgId, single: false });
    const pageCount = Math.ceil(total / q.page.size);
    return send(reply, 200, {
      data: doc.data,
      ...(q.include.length ? { included: doc.included } : {}),
      meta: { record_count: total, page_count: pageCount, ...more },
      links: pageLinks(request.ctx.baseUrl, request.url, q.page, pageCount),
    });
  };

  app.get('/:type', async (request: Req, reply) => {
    const def = resolve(request, 'list');
    return collection(reply, request, def, splitQuery(def, request.query));
  });

  app.get('/:type/:id', async (request: Req, reply) => {
    const def = resolve(request, 'retrieve');
    const key = cache.key(def, request.ctx, request.url, request.query);
    const kept = key && (await cache.fresh(key, def, request.ctx, request.params.id!));
    if (kept) return reply.type(JSONAPI).send(kept);
    const at = cache.at; // before the row's statement is sent
    const q = parseQuery(request.query);
    const p = preparePresentation(reg, def, q, request.ctx);
    const row = await findVisibleOr401(db, def, request.ctx, request.params.id!, !!key);
    return single(reply, request, def, row, q, p, 200, key ? { key, at } : undefined);
  });

  app.post('/:type', async (request: Req, reply) => {
    const def = resolve(request, 'create');
    const q = parseQuery(request.query);
    const p = preparePresentation(reg, def, q, request.ctx);
    const row = await createResource({ db, reg }, def, parseDocument(request.body, { type: def.type }), request.ctx);
    return single(reply, request, def, row, q, p, 201);
  });

  app.patch('/:type/:id', async (request: Req, reply) => {
    const def = resolve(request, 'update');
    const q = parseQuery(request.query);
    const p = preparePresentation(reg, def, q, request.ctx);
    const row = await updateResource(
      { db, reg },
      def,
      request.params.id!,
      parseDocument(request.body, { type: def.type, id: request.params.id }),
      request.ctx,
    );
    return single(reply, request, def, row, q, p);
  });

  app.delete('/:type/:id', async (request: Req, reply) => {
    const def = resolve(request, 'delete');
    await deleteResource({ db, reg }, def, request.params.id!, request.ctx);
    return reply.status(204).send();
  });

  /** Parent must exist and be readable; the relationship must be declared. */
  const related = async (request: Req) => {
    const def = resolve(request, 'retrieve');
    const r = def.relationships[request.params.rel!];
    if (!r) throw errors.routeNotFound(request.url.split('?')[0]!);
    const parent = await findVisibleOr401(db, def, request.ctx, request.params.id!);
    return { def, r, parent, target: reg.target(r) };
  };

  app.get('/:type/:id/:rel', async (request: Req, reply) => {
    const declared = reg.get(request.params.type)?.relationships[request.params.rel!];
    const listed = declared?.kind === 'to_many' ? reg.target(declared) : undefined;
    const split = splitQuery(listed, request.query);
    const { q } = split;
    const { def, r, parent, target } = await related(request);
    if (r.kind === 'to_many') {
      if (!target)
        return send(reply, 200, {
          data: [],
          meta: { record_count: 0, page_count: 0 },
          links: pageLinks(request.ctx.baseUrl, request.url, q.page, 0),
        });
      authorize(target, 'list', request.ctx.caller);
      return collection(reply, request, target, split, eq(col(target.table, r.inverse!), parent.id), {
        type: def.type,
        row: parent,
      });
    }
    if (!target) return send(reply, 200, { data: null });
    authorize(target, 'retrieve', request.ctx.caller);
    const p = preparePresentation(reg, target, q, request.ctx);
    const row = r.fk
      ? parent[r.fk] && (await findRow(db, target, request.ctx, parent[r.fk]))
      : (
          await listRows(
            db,
            reg,
            target,
            request.ctx,
            { ...q, page: { number: 1, size: 1 } },
            eq(col(target.table, r.inverse!), parent.id),
          )
        ).rows[0];
    return row ? single(reply, request, target, row, q, p) : send(reply, 200, { data: null });
  });

  app.get('/:type/:id/relationships/:rel', async (request: Req, reply) => {
    if (Object.keys(request.query).length) throw errors.paramNotAllowed(Object.keys(request.query)[0]!);
    const { def, r, parent, target } = await related(request);
    const links = {
      self: `${request.ctx.baseUrl}/api/${def.type}/${parent.id}/relationships/${request.params.rel}`,
      related: `${request.ctx.baseUrl}/api/${def.type}/${parent.id}/${request.params.rel}`,
    };
    if (target) authorize(target, r.kind === 'to_many' ? 'list' : 'retrieve', request.ctx.caller);
    let data: unknown = r.kind === 'to_many' ? [] : null;
    if (target && r.fk) data = parent[r.fk] ? { type: target.type, id: parent[r.fk] } : null;
    else if (target) {
      const rows = await db
        .select({ id: col(target.table, 'id') })
        .from(target.table)
        .where(and(visible(target, request.ctx), eq(col(target.table, r.inverse!), parent.id)));
      const ids = rows.map((x) => ({ type: target.type, id: x.id as string }));
      data = r.kind === 'to_many' ? ids : (ids[0] ?? null);
    }
    return send(reply, 200, { links, data });
  });

  const notAllowed = async (request: Req) => {
    throw errors.methodNotAllowed(request.method, request.params.type);
  };
  app.route({ method: ['PUT', 'PATCH', 'DELETE'], url: '/:type', handler: notAllowed });
  app.route({ method: ['PUT', 'POST'], url: '/:type/:id', handler: notAllowed });
}
