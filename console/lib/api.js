// The console's only way into Allot: the public JSON:API with the signed-in user's bearer token.
import { flatten, query, resourceDoc } from './jsonapi.js';

const JSONAPI = 'application/vnd.api+json';

/** An answer other than 2xx, carrying the API's own `errors[]` (title, detail, code, source.pointer). */
export class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.detail ?? e.title).join('; '));
    this.status = status;
    this.errors = errors;
  }
}

/** Read a response; anything but 2xx becomes an ApiError with the errors as the API worded them. */
export async function readResponse(res) {
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok) return body;
  const errors = Array.isArray(body?.errors)
    ? body.errors
    : [{ title: res.statusText || 'Error', detail: `The server answered ${res.status}.`, status: String(res.status) }];
  throw new ApiError(res.status, errors);
}

/** Turn a network failure into the same shape, so every caller shows errors one way. */
export const networkError = (e) =>
  e instanceof ApiError
    ? e
    : new ApiError(0, [{ title: 'Network error', detail: `Allot could not be reached (${e.message}).` }]);

/**
 * A client bound to one token. `onExpired` runs when Allot answers 401 INVALID_TOKEN (expired or
 * revoked): the console then asks the user to sign in again.
 */
export function createApi(token, onExpired = () => {}) {
  const call = async (method, path, body) => {
    let res;
    try {
      res = await fetch(path, {
        method,
        cache: 'no-store',
        credentials: 'omit',
        headers: {
          Accept: JSONAPI,
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': JSONAPI } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw networkError(e);
    }
    try {
      return await readResponse(res);
    } catch (e) {
      if (e.status === 401 && e.errors.some((x) => x.code === 'INVALID_TOKEN')) onExpired();
      throw e;
    }
  };
  const listOf = async (path, params) => {
    const doc = await call('GET', `${path}${query(params)}`);
    return { items: flatten(doc), meta: doc.meta ?? { record_count: 0, page_count: 0 } };
  };
  return {
    /** One page: `{ items, meta: { record_count, page_count } }`. */
    list: (type, params) => listOf(`/api/${type}`, params),
    get: async (type, id, params) => flatten(await call('GET', `/api/${type}/${id}${query(params)}`)),
    /** A singleton such as `application` or `organization`. */
    one: async (path) => flatten(await call('GET', `/api/${path}`)),
    create: async (type, attributes, relationships) =>
      flatten(await call('POST', `/api/${type}`, resourceDoc(type, attributes, relationships))),
    update: async (type, id, attributes, relationships) =>
      flatten(await call('PATCH', `/api/${type}/${id}`, resourceDoc(type, attributes, relationships, id))),
    remove: (type, id) => call('DELETE', `/api/${type}/${id}`),
    /** `_approve`, `_picking`…: a PATCH with the trigger attribute set to true. */
    trigger: async (type, id, name) =>
      flatten(await call('PATCH', `/api/${type}/${id}`, resourceDoc(type, { [name]: true }, {}, id))),
    /** Every page up to `max` (for pickers such as stock locations): `{ items, more }`. */
    async all(type, params = {}, max = 4) {
      const items = [];
      for (let n = 1; n <= max; n++) {
        const page = await listOf(`/api/${type}`, { ...params, 'page[size]': 25, 'page[number]': n });
        items.push(...page.items);
        if (n >= page.meta.page_count) return { items, more: false };
      }
      return { items, more: true };
    },
  };
}
