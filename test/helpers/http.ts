import type { FastifyInstance, InjectOptions } from 'fastify';

export const JSONAPI = 'application/vnd.api+json';

export interface Res {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A JSON:API client over inject(), sending the headers the official SDK sends. */
export function client(app: FastifyInstance, token?: string) {
  const call = async (opts: InjectOptions): Promise<Res> => {
    const res = await app.inject({
      ...opts,
      headers: {
        accept: JSONAPI,
        'content-type': JSONAPI,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.headers ?? {}),
      },
    });
    let body: unknown;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers };
  };
  return verbs(call);
}

const verbs = (call: (opts: InjectOptions) => Promise<Res>) => ({
  call,
  get: (url: string) => call({ method: 'GET', url }),
  post: (url: string, payload: unknown) =>
    call({ method: 'POST', url, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  patch: (url: string, payload: unknown) =>
    call({ method: 'PATCH', url, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  delete: (url: string) => call({ method: 'DELETE', url }),
});

export type Client = ReturnType<typeof client>;

/**
 * The same client over real HTTP, for another server process (test/helpers/server.ts) at `base`
 * (`http://127.0.0.1:{port}`): what a second instance behind a load balancer would be sent.
 */
export function remoteClient(base: string, token?: string): Client {
  const call = async (opts: InjectOptions): Promise<Res> => {
    const res = await fetch(`${base}${opts.url}`, {
      method: opts.method,
      headers: {
        accept: JSONAPI,
        'content-type': JSONAPI,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...((opts.headers as Record<string, string>) ?? {}),
      },
      body: opts.payload as string | undefined,
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: Object.fromEntries(res.headers) };
  };
  return verbs(call);
}

/** Shortcut for a create document. */
export const doc = (
  type: string,
  attributes: Record<string, unknown> = {},
  relationships: Record<string, unknown> = {},
  id?: string,
) => ({
  data: { type, ...(id ? { id } : {}), attributes, relationships },
});
