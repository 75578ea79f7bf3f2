import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** An error that answers the request itself (an idempotent replay, src/http/idempotency.ts). */
interface Answering {
  answer(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}
const answers = (e: unknown): e is Answering => typeof (e as Partial<Answering> | null)?.answer === 'function';

function render(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // a token request writes nothing: it may simply be sent again
  const write = request.method !== 'GET' && request.method !== 'HEAD' && !request.url.startsWith('/oauth/');
  const known = isApiError(err) ? err : (translateDbError(err, { write }) ?? fromFastify(err));
  if (!known) request.log.error({ err }, 'unhandled error');
  const e = known ?? errors.internal();
  if (e.status >= 500 && known) request.log.error({ err }, 'server error');
  if (request.url.startsWith('/oauth/')) {
    // the token endpoint speaks OAuth's JSON, with numeric statuses (docs/wire-format.md#tokens)
    const body = { errors: e.errors.map((x) => ({ ...x, status: Number(x.status) })) };
    return reply.status(e.status).headers(e.headers).type('application/json').send(JSON.stringify(body));
  }
  return reply
    .status(e.status)
    .headers(e.headers)
    .type(JSONAPI)
    .send(JSON.stringify({ errors: e.errors }));
}

/** Route patterns → the methods they serve, for 405 and `Allow` on a known path. */
function routeTable(app: FastifyInstance) {
  const routes: { re: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (r) => {
    // routes that exist only to answer 405 themselves (src/http/resources.ts) serve nothing
    if (r.handler?.name === 'notAllowed') return;
    const re = new RegExp(
      `^${r.url
        .split('/')
        .map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
    );
    routes.push({ re, methods: ([] as string[]).concat(r.method) });
  });
  return (path: string) => {
    const allowed = new Set<string>();
    for (const r of routes) if (r.re.test(path)) for (const m of r.methods) allowed.add(m);
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  };
}

/**
 * The only place that writes `errors[]` (docs/design.md#error-catalogue). Unknown errors are 500s
 * without internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  const allowedAt = routeTable(app);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (answers(err)) return err.answer(request, reply).catch((e) => render(e, request, reply));
    return render(err, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = allowedAt(path);
    // TRACE, OPTIONS, PUT… on a path that exists: 405 with what it does serve (RFC 9110 §15.5.6)
    const e =
      allowed.length && !allowed.includes(request.method)
        ? errors.methodNotAllowed(request.method, path)
        : errors.routeNotFound(path);
    if (e.status === 405) void reply.header('allow', allowed.join(', '));
    void reply
      .status(e.status)
      .type(JSONAPI)
      .send(JSON.stringify({ errors: e.errors }));
  });
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers too large, malformed HTTP, a
 * method Node does not know, a request too slow to arrive): answered in the catalogue's format too.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? errors.headersTooLarge()
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errors.requestTimeout()
        : errors.badRequest('BAD_REQUEST', 'Bad request', 'The request is not valid HTTP.');
  const body = JSON.stringify({ errors: e.errors });
  socket.end(
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: ${JSONAPI}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
