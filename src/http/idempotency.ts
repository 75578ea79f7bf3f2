import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type postgres from 'postgres';
import { inWriteScope, newWriteScope, type WriteScope } from '../db/scope';
import { errors } from '../jsonapi/errors';
import type { AppDeps } from './deps';
import { JSONAPI } from './errors';
import {
  claim,
  type KeyedRequest,
  lookup,
  noteResource,
  type StoredOutcome,
  storeRendered,
  storeReply,
  sweep,
} from './idempotency-store';

declare module 'fastify' {
  interface FastifyRequest {
    /** The write request's scope (src/db/scope.ts), for POST, PATCH and DELETE under /api. */
    writeScope?: WriteScope;
    idempotency?: KeyState;
  }
}

interface KeyState {
  k: KeyedRequest;
  /** The write's transaction committed with the key claimed in it. */
  claimed: boolean;
  /** This request was answered from a stored outcome. */
  replayed: boolean;
}

const WRITES = new Set(['POST', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a retry waits for the reply of the request that holds its key to be stored. */
const WAIT_MS = 2_000;

/**
 * Every POST, PATCH and DELETE under /api runs in a write scope (what the transaction runner and the
 * error translation know of it). With an `Idempotency-Key` header (Stripe's and the IETF draft's
 * semantics): the key is claimed inside the write's own transaction, so the key exists exactly when
 * the write committed; a request sent again with it gets the first outcome (status and body, header
 * `Idempotent-Replayed: true`) instead of acting twice; the same key with another method, URL or body
 * is refused with 422. A retry that arrives while the first request is still running waits for it
 * (on the key's row lock in PostgreSQL, then for its reply to be stored) and answers the same.
 * Outcomes are kept 24 hours per application and mode, except 5xx, 409 and 429: those may be retried.
 */
export function registerWrites(api: FastifyInstance, deps: AppDeps): void {
  const sql = deps.database.sql;
  const timer = setInterval(() => void sweep(sql).catch(() => {}), 10 * 60_000).unref();
  api.addHook('onClose', async () => clearInterval(timer));

  api.addHook('preHandler', (request, reply, done) => {
    if (!WRITES.has(request.method)) return done();
    const scope = newWriteScope();
    request.writeScope = scope;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return inWriteScope(scope, done);
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (!KEY.test(key)) return done(errors.invalidIdempotencyKey());
    const k: KeyedRequest = {
      mode: request.ctx.mode,
      applicationId: request.ctx.caller.applicationId,
      key,
      fingerprint: createHash('sha256')
        .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
        .digest('base64url'),
      method: request.method,
      url: request.url,
      requestId: request.id,
    };
    const state: KeyState = { k, claimed: false, replayed: false };
    request.idempotency = state;
    lookup(sql, k).then(
      (found) => {
        if (found) return void replay(api, sql, request, reply, found).catch((e) => reply.send(e));
        let claimedHere = false;
        scope.began = async (tx) => {
          if (!(await claim(tx, k))) throw new KeyTaken(api, sql);
          claimedHere = true;
        };
        scope.beforeCommit = async (tx, result) => {
          const id = (result as { row?: { id?: unknown } } | undefined)?.row?.id;
          if (request.method === 'POST' && typeof id === 'string') await noteResource(tx, k, id);
        };
        scope.ended = (committed) => {
          state.claimed = state.claimed || (committed && claimedHere);
          claimedHere = false;
        };
        inWriteScope(scope, done);
      },
      (e) => inWriteScope(scope, () => done(e)),
    );
  });

  // a callback, not an async function: most replies (every GET) pass through untouched, without a promise
  api.addHook('onSend', (request, reply, payload, done) => {
    const st = request.idempotency;
    if (!st || st.replayed || (payload !== null && payload !== undefined && typeof payload !== 'string'))
      return done(null, payload);
    const status = reply.statusCode;
    const body = (payload as string | null) ?? '';
    // stored before the reply leaves: a client that got this reply finds it again with the key
    let store: Promise<unknown> | undefined;
    if (st.claimed) {
      if (status < 500) store = storeReply(sql, st.k, status, body);
    } else if (status < 500 && status !== 409 && status !== 429) store = claim(sql, st.k, status, body);
    if (!store) return done(null, payload);
    store.then(
      () => done(null, payload),
      (err) => {
        request.log.warn({ err }, 'idempotency: the reply could not be stored');
        done(null, payload);
      },
    );
  });
}

/** The key is held by a committed request: this one rolls back and answers with that outcome. */
class KeyTaken extends Error {
  constructor(
    private api: FastifyInstance,
    private sql: postgres.Sql,
  ) {
    super('idempotency key taken');
  }
  /** Called by the error handler (src/http/errors.ts) instead of rendering an error. */
  async answer(request: FastifyRequest, reply: FastifyReply) {
    const found = await lookup(this.sql, request.idempotency!.k);
    if (!found) throw errors.conflict('A request with this Idempotency-Key is in progress. Please retry.');
    return replay(this.api, this.sql, request, reply, found);
  }
}

async function replay(
  api: FastifyInstance,
  sql: postgres.Sql,
  request: FastifyRequest,
  reply: FastifyReply,
  found: StoredOutcome,
) {
  const st = request.idempotency!;
  if (found.fingerprint !== st.k.fingerprint) throw errors.idempotencyKeyReused();
  let out = found;
  for (const until = Date.now() + WAIT_MS; out.status === null && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 25));
    out = (await lookup(sql, st.k)) ?? out;
  }
  const { status, body } = out.status === null ? await render(api, sql, request, out) : out;
  st.replayed = true;
  void reply.status(status!).header('idempotent-replayed', 'true');
  return status === 204 ? reply.send() : reply.type(JSONAPI).send(body);
}

/**
 * The write committed but its reply was never stored (the process died in between): render the
 * resource as it is now, with the status the write got (kept from then on).
 */
async function render(
  api: FastifyInstance,
  sql: postgres.Sql,
  request: FastifyRequest,
  out: StoredOutcome,
): Promise<{ status: number; body: string }> {
  if (out.method === 'DELETE') return { status: 204, body: '' };
  const [path, query] = out.url.split('?') as [string, string | undefined];
  const url = out.method === 'POST' && out.resource_id ? `${path.replace(/\/+$/, '')}/${out.resource_id}` : path;
  if (out.method === 'POST' && !out.resource_id)
    throw errors.conflict('The request with this Idempotency-Key was applied, but its reply cannot be rendered again.');
  const res = await api.inject({
    method: 'GET',
    url: query ? `${url}?${query}` : url,
    headers: {
      accept: JSONAPI,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    },
  });
  if (res.statusCode !== 200) return { status: res.statusCode, body: res.body };
  const status = out.method === 'POST' ? 201 : 200;
  await storeRendered(sql, request.idempotency!.k, status, res.body).catch(() => {});
  return { status, body: res.body };
}
