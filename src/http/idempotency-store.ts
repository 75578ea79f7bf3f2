import type postgres from 'postgres';

/** Who asked, with which key, for what: the identity of one idempotent request. */
export interface KeyedRequest {
  mode: string;
  applicationId: string;
  key: string;
  fingerprint: string;
  method: string;
  url: string;
  requestId: string;
}

export interface StoredOutcome {
  fingerprint: string;
  method: string;
  url: string;
  resource_id: string | null;
  status: number | null;
  body: string | null;
}

/** How long a key is remembered. */
export const KEPT = '24 hours';

/**
 * Claim the key inside the write's transaction. A claim another transaction holds and has not yet
 * committed makes this one wait for it (the primary key's uniqueness check); an expired row is
 * taken over. False: the key is taken (by a committed request, fresh).
 */
export async function claim(tx: postgres.Sql, k: KeyedRequest, status?: number, body?: string): Promise<boolean> {
  const rows = await tx`
    insert into idempotency_keys (mode, application_id, key, fingerprint, method, url, request_id, status, body)
    values (${k.mode}, ${k.applicationId}, ${k.key}, ${k.fingerprint}, ${k.method}, ${k.url}, ${k.requestId},
      ${status ?? null}, ${body ?? null})
    on conflict (mode, application_id, key) do update set
      fingerprint = excluded.fingerprint, method = excluded.method, url = excluded.url, request_id =
        excluded.request_id,
      resource_id = null, status = excluded.status, body = excluded.body, created_at = now()
    where idempotency_keys.created_at < now() - ${KEPT}::interval
    returning 1 as claimed`;
  return rows.length > 0;
}

/** Inside the transaction, before COMMIT: which resource it wrote (a POST's new id). */
export async function noteResource(tx: postgres.Sql, k: KeyedRequest, id: string): Promise<void> {
  await tx`update idempotency_keys set resource_id = ${id}
    where mode = ${k.mode} and application_id = ${k.applicationId} and key = ${k.key} and request_id = ${k.requestId}`;
}

/** After the write committed: the reply it got. Only a row this request claimed is touched. */
export async function storeReply(sql: postgres.Sql, k: KeyedRequest, status: number, body: string): Promise<void> {
  await sql`update idempotency_keys set status = ${status}, body = ${body}
    where mode = ${k.mode} and application_id = ${k.applicationId} and key = ${k.key} and request_id = ${k.requestId}`;
}

/** A reply rendered again for a committed write whose own reply was never stored (kept from now on). */
export async function storeRendered(sql: postgres.Sql, k: KeyedRequest, status: number, body: string): Promise<void> {
  await sql`update idempotency_keys set status = ${status}, body = ${body}
    where mode = ${k.mode} and application_id = ${k.applicationId} and key = ${k.key} and status is null`;
}

/** The outcome kept for this key, if fresh. */
export async function lookup(sql: postgres.Sql, k: KeyedRequest): Promise<StoredOutcome | undefined> {
  const [row] = await sql<StoredOutcome[]>`
    select fingerprint, method, url, resource_id, status, body from idempotency_keys
    where mode = ${k.mode} and application_id = ${k.applicationId} and key = ${k.key}
      and created_at >= now() - ${KEPT}::interval`;
  return row;
}

/** Forget expired keys. */
export async function sweep(sql: postgres.Sql): Promise<number> {
  const r = await sql`delete from idempotency_keys where created_at < now() - ${KEPT}::interval`;
  return r.count;
}
