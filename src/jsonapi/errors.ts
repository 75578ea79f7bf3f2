/**
 * The one error catalogue. Code throws `errors.x(...)`; only the HTTP error handler renders
 * `{ errors: [...] }`. Every object carries Commerce Layer's `title`, `detail`, `code` and a
 * string `status`; `source.pointer` and `meta` where they help the client.
 */
export interface ErrorObject {
  title: string;
  detail: string;
  code: string;
  status: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  meta?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors: ErrorObject[];
  readonly headers: Record<string, string>;
  /** Raised inside a write whose work so far must stand (e.g. an expired hold swept): commit, then answer. */
  commitFirst = false;

  constructor(status: number, errors: ErrorObject[], headers: Record<string, string> = {}) {
    super(errors[0]?.detail ?? 'error');
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }
}

function one(status: number, code: string, title: string, detail: string, extra: Partial<ErrorObject> = {}): ApiError {
  return new ApiError(status, [{ title, detail, code, status: String(status), ...extra }]);
}

const pointer = (p?: string) => (p ? { source: { pointer: p } } : {});
const param = (p?: string) => (p ? { source: { parameter: p } } : {});

/** One validation failure, built by the catalogue in violations.ts; several make one 422 with `errors.validation`. */
export interface Violation {
  attribute: string;
  message: string;
  error: string;
  value?: unknown;
  count?: number;
  pointer?: string;
}

export function violationObject(v: Violation): ErrorObject {
  const meta: Record<string, unknown> = { error: v.error };
  if (v.value !== undefined) meta.value = v.value;
  if (v.count !== undefined) meta.count = v.count;
  return {
    title: v.message,
    detail: `${v.attribute} - ${v.message}`,
    code: 'VALIDATION_ERROR',
    status: '422',
    source: { pointer: v.pointer ?? `/data/attributes/${v.attribute}` },
    meta,
  };
}

export const errors = {
  unauthorized: () =>
    one(
      401,
      'UNAUTHORIZED',
      'Access denied',
      'You are not authorized to perform this action on the requested resource.',
    ),
  invalidToken: (detail = 'The access token you provided is invalid.') =>
    one(401, 'INVALID_TOKEN', 'Invalid token', detail),
  invalidCredentials: () =>
    one(
      401,
      'UNAUTHORIZED',
      'Invalid credentials',
      'Client authentication failed due to unknown client, no client authentication included, ' +
        'or unsupported authentication method.',
    ),
  forbidden: (detail = 'You are not allowed to perform this action.') => one(403, 'FORBIDDEN', 'Forbidden', detail),
  recordNotFound: () =>
    one(
      404,
      'RECORD_NOT_FOUND',
      'Record not found',
      'The requested resource was not found. Please double-check the resource id.',
    ),
  routeNotFound: (path: string) =>
    one(404, 'RECORD_NOT_FOUND', 'Record not found', `The route ${path} does not exist.`),
  methodNotAllowed: (method: string, type: string) =>
    one(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', `${method} is not supported on ${type}.`),
  notAcceptable: () =>
    one(406, 'NOT_ACCEPTABLE', 'Not acceptable', 'All requests must use the application/vnd.api+json Accept header.'),
  unsupportedMediaType: () =>
    one(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'All requests that create or update must use the application/vnd.api+json Content-Type, ' +
        'without media type parameters.',
    ),
  requestTimeout: () => one(408, 'REQUEST_TIMEOUT', 'Request timeout', 'The request did not arrive in time.'),
  headersTooLarge: () =>
    one(
      431,
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
      'Request header fields too large',
      'The request headers are too large.',
    ),
  payloadTooLarge: () => one(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'The request body is too large.'),
  locked: (detail: string) => one(423, 'LOCKED', 'Locked', detail),
  conflict: (detail: string) => one(409, 'CONFLICT', 'Record not unique', detail),
  tooManyRequests: (headers: Record<string, string>) =>
    new ApiError(
      429,
      [
        {
          title: 'Too many requests',
          detail: 'You have exceeded the rate limit. Please retry later.',
          code: 'TOO_MANY_REQUESTS',
          status: '429',
        },
      ],
      headers,
    ),
  internal: () =>
    one(
      500,
      'INTERNAL_SERVER_ERROR',
      'Internal server error',
      'Something went wrong on our side. The request was not applied.',
    ),
  /** The database went away; `outcomeUnknown`: a write may or may not have been applied, so no Retry-After. */
  serviceUnavailable: (outcomeUnknown = false) =>
    outcomeUnknown
      ? one(
          503,
          'SERVICE_UNAVAILABLE',
          'Service unavailable',
          'The connection to the database was lost while the request was applied: ' +
            'it may or may not have taken effect. Check before retrying.',
        )
      : new ApiError(
          503,
          [
            {
              title: 'Service unavailable',
              detail: 'The database is not reachable right now. Please retry.',
              code: 'SERVICE_UNAVAILABLE',
              status: '503',
            },
          ],
          { 'retry-after': '1' },
        ),

  /** Beyond Commerce Layer: `Idempotency-Key` (src/http/idempotency.ts). */
  invalidIdempotencyKey: () =>
    one(400, 'INVALID_HEADER', 'Invalid header', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
      source: { header: 'Idempotency-Key' },
    }),
  idempotencyKeyReused: () =>
    one(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'Idempotency key reused',
      'This Idempotency-Key was sent with another request (method, URL or body) in the last 24 hours.' +
        ' Use a new key for a new request.',
      { source: { header: 'Idempotency-Key' } },
    ),

  // 400s: the request itself is malformed
  invalidDataFormat: (detail: string, p = '/data') =>
    one(400, 'INVALID_DATA_FORMAT', 'Invalid data format', detail, pointer(p)),
  paramMissing: (name: string, p?: string) =>
    one(400, 'PARAM_MISSING', 'Missing parameter', `The required parameter, ${name}, is missing.`, pointer(p)),
  paramNotAllowed: (name: string, p?: string) =>
    one(
      400,
      'PARAM_NOT_ALLOWED',
      'Param not allowed',
      `${name} is not allowed.`,
      p?.startsWith('/') ? pointer(p) : param(p ?? name),
    ),
  invalidFieldValue: (name: string, detail: string, p?: string) =>
    one(
      400,
      'INVALID_FIELD_VALUE',
      'Invalid field value',
      `${name} ${detail}`,
      p?.startsWith('/') ? pointer(p) : param(p),
    ),
  invalidField: (type: string, field: string) =>
    one(400, 'INVALID_FIELD', 'Invalid field', `${field} is not a valid field for ${type}.`, param(`fields[${type}]`)),
  invalidResource: (type: string) =>
    one(400, 'INVALID_RESOURCE', 'Invalid resource', `${type} is not a valid resource.`),
  typeMismatch: (got: string, expected: string) =>
    one(
      400,
      'TYPE_MISMATCH',
      'Type mismatch',
      `${got} is not a valid type for this operation, expected ${expected}.`,
      pointer('/data/type'),
    ),
  keyNotIncludedInUrl: (key: string) =>
    one(
      400,
      'KEY_NOT_INCLUDED_IN_URL',
      'Key is not included in URL',
      `The URL does not support the key ${key}`,
      pointer('/data/id'),
    ),
  invalidInclude: (type: string, path: string) =>
    one(
      400,
      'INVALID_INCLUDE',
      'Invalid include',
      `${path} is not a valid includable relationship of ${type}`,
      param('include'),
    ),
  invalidSort: (type: string, field: string) =>
    one(
      400,
      'INVALID_SORT_CRITERIA',
      'Invalid sort criteria',
      `${field} is not a valid sort criteria for ${type}`,
      param('sort'),
    ),
  /** `key` is what sits inside `filter[…]`: `q][name_xx` for Ransack keys. */
  filterNotAllowed: (key: string) =>
    one(400, 'FILTER_NOT_ALLOWED', 'Filter not allowed', `filter[${key}] is not allowed.`, param(`filter[${key}]`)),
  invalidFilterValue: (key: string, value: string, why = 'is not a valid value') =>
    one(
      400,
      'INVALID_FILTER_VALUE',
      'Invalid filter value',
      `${JSON.stringify(value)} ${why} for filter[${key}].`,
      param(`filter[${key}]`),
    ),
  invalidFiltersSyntax: (detail: string) =>
    one(400, 'INVALID_FILTERS_SYNTAX', 'Invalid filters syntax', detail, param('filter')),
  invalidPageValue: (key: string, value: string, detail: string) =>
    one(
      400,
      'INVALID_PAGE_VALUE',
      'Invalid page value',
      `${JSON.stringify(value)} is not a valid value for ${key}: ${detail}`,
      param(key),
    ),
  invalidPageObject: () =>
    one(400, 'INVALID_PAGE_OBJECT', 'Invalid page object', 'Invalid page params.', param('page')),
  invalidResourceId: (type: string, id: unknown, p?: string) =>
    one(404, 'INVALID_RESOURCE_ID', 'Invalid resource id', `${String(id)} is not a valid ${type} id.`, pointer(p)),
  badRequest: (code: string, title: string, detail: string) => one(400, code, title, detail),

  // 422: the document is well formed but the domain says no
  validation: (violations: Violation[]) => new ApiError(422, violations.map(violationObject)),
};

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
