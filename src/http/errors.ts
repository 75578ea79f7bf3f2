import type { FastifyError, FastifyInstance } from 'fastify';
import { translateDbError } from '../db/errors';
import { type ApiError, errors, isApiError } from '../jsonapi/errors';

export const JSONAPI = 'application/vnd.api+json';

/** Fastify's own 4xx errors, in the catalogue's words. */
function fromFastify(e: FastifyError): ApiError | undefined {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalidDataFormat('The request body is not valid JSON.', '/');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.paramMissing('data', '/data');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? errors.unsupportedMediaType()
        : errors.invalidDataFormat('Invalid Content-Length.', '/');
  }
  if (e instanceof SyntaxError || (e as { type?: string }).type === 'entity.parse.failed')
    return errors.invalidDataFormat('The request body is not valid JSON.', '/');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return errors.badRequest('BAD_REQUEST', 'Bad request', 'The request could not be understood.');
  return undefined;
}

/**
 * The only place that writes `errors[]` (docs/design.md#error-catalogue). Unknown errors are 500s
 * without internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // a token request writes nothing: it may simply be sent again
    const write = request.method !== 'GET' && request.method !== 'HEAD' && !request.url.startsWith('/oauth/');
    const known = isApiError(err) ? err : (translateDbError(err, { write }) ?? fromFastify(err));
    if (!known) request.log.error({ err }, 'unhandled error');
    const e = known ?? errors.internal();
    if (e.status >= 500 && known) request.log.error({ err }, 'server error');
    if (request.url.startsWith('/oauth/')) {
      // the token endpoint speaks OAuth's JSON, with numeric statuses (docs/wire-format.md#tokens)
      const body = { errors: e.errors.map((x) => ({ ...x, status: Number(x.status) })) };
      return void reply.status(e.status).headers(e.headers).type('application/json').send(JSON.stringify(body));
    }
    void reply
      .status(e.status)
      .headers(e.headers)
      .type(JSONAPI)
      .send(JSON.stringify({ errors: e.errors }));
  });
  app.setNotFoundHandler((request, reply) => {
    const e = errors.routeNotFound(request.url.split('?')[0]!);
    void reply
      .status(404)
      .type(JSONAPI)
      .send(JSON.stringify({ errors: e.errors }));
  });
}
