import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../jsonapi/errors';
import { JSONAPI } from './errors';

function accepts(header: string | undefined): boolean {
  if (header === JSONAPI) return true; // what the SDK sends: no parsing
  if (!header) return false;
  return header.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    // JSON:API: the media type must appear at least once without parameters (q is not one)
    return type === JSONAPI && params.every((p) => p.startsWith('q=')) && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/**
 * Content negotiation for /api (docs/wire-format.md#media-type): Accept must name
 * application/vnd.api+json (406); a body must be sent as application/vnd.api+json without
 * parameters (415). GET and DELETE may carry a Content-Type, which the official SDK always sends.
 */
export function negotiate(request: FastifyRequest): void {
  if (!accepts(request.headers.accept)) throw errors.notAcceptable();
  if (request.method === 'POST' || request.method === 'PATCH') {
    const ct = request.headers['content-type'];
    if (!ct || ct.trim().toLowerCase() !== JSONAPI) throw errors.unsupportedMediaType();
  }
}

export function registerParsers(app: FastifyInstance): void {
  // Fastify's secure JSON parser (prototype poisoning refused), except that an empty body is no body:
  // the SDK sends a Content-Type with DELETE and GET too.
  const strict = app.getDefaultJsonParser('error', 'error');
  const parser: typeof strict = (req, body, done) => (body === '' ? done(null, undefined) : strict(req, body, done));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', JSONAPI], { parseAs: 'string' }, parser);
}
