import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../auth/permissions';
import { rawClient } from '../db/client';
import { linkHolds } from '../jobs/attachments';
import { createExport, createImport } from '../jobs/create';
import { parseDocument } from '../jsonapi/document';
import { errors } from '../jsonapi/errors';
import { parseQuery } from '../jsonapi/query';
import { preparePresentation, present } from '../query/present';
import type { AppDeps } from './deps';
import { JSONAPI } from './errors';

/** 10,000 inputs of a wide type, as JSON, fit with room to spare. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

type Req = FastifyRequest<{ Querystring: Record<string, string | string[]> }>;

/**
 * Creating imports and exports (README, "Imports and exports"): their bodies carry arrays and CSV text that the
 * generic input check does not take, and an import's body is larger than any other. Reading,
 * `_interrupt` and deleting them are the generic routes'. Inside the /api prefix.
 */
export function registerJobRoutes(api: FastifyInstance, deps: AppDeps, kick: () => void): void {
  const db = deps.database.db;
  const orgId = deps.issuer.organization.id;
  for (const [type, create] of [
    ['imports', createImport],
    ['exports', createExport],
  ] as const) {
    api.post(`/${type}`, { bodyLimit: IMPORT_BODY_LIMIT }, async (request: Req, reply) => {
      const def = deps.reg.get(type)!;
      authorize(def, 'create', request.ctx.caller);
      const q = parseQuery(request.query);
      const p = preparePresentation(deps.reg, def, q, request.ctx);
      const row = await create({ db, reg: deps.reg }, def, parseDocument(request.body, { type }), request.ctx);
      kick();
      const doc = await present(db, request.ctx, def, [row], p, { organizationId: orgId, single: true });
      return reply
        .status(201)
        .type(JSONAPI)
        .send(JSON.stringify({ data: doc.data[0], ...(q.include.length ? { included: doc.included } : {}) }));
    });
  }
}

/** `GET /attachments/{id}?expires=…&signature=…`: a job's gzip file, for whoever holds an unexpired link. */
export function registerAttachmentRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get(
    '/attachments/:id',
    async (request: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string> }>, reply) => {
      const { id } = request.params;
      const { expires = '', signature = '' } = request.query;
      const [file] = /^[A-Za-z0-9_-]{1,64}$/.test(id)
        ? await rawClient(deps.database.db)`select content, secret from job_attachments where id = ${id}`
        : [];
      if (!file || !linkHolds(file.secret, id, expires, signature)) throw errors.recordNotFound();
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${id}.gz"`)
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  );
}
