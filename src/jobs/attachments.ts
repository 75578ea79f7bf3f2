import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../auth/context';
import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import type { Row } from '../rows/row';

/** How long an `attachment_url` stays valid (Commerce Layer's links last minutes). */
export const LINK_TTL_S = 600;

const signature = (secret: string, id: string, expires: number) =>
  createHmac('sha256', secret).update(`${id}.${expires}`).digest('base64url');

/**
 * A link to a job's gzip file, served by Allot itself (`GET /attachments/{id}`): it carries its
 * expiry and an HMAC of both under the file's own random secret, so it opens that one file, without
 * a token, until it expires.
 */
export function signedUrl(baseUrl: string, id: string, secret: string, nowMs = Date.now()): string {
  const expires = Math.floor(nowMs / 1000) + LINK_TTL_S;
  return `${baseUrl}/attachments/${id}?expires=${expires}&signature=${signature(secret, id, expires)}`;
}

export function linkHolds(secret: string, id: string, expires: string, sig: string, nowMs = Date.now()): boolean {
  const e = Number(expires);
  if (!Number.isInteger(e) || e * 1000 < nowMs) return false;
  const want = Buffer.from(signature(secret, id, e));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** `attachment_url` for a page of imports or exports: one query for all of them. */
export async function attachmentUrls(db: Tx, ctx: RequestContext, rows: Row[]): Promise<Map<string, unknown>> {
  const ids = rows.map((r) => r.id);
  const found = await rawClient(db)`select id, secret from job_attachments where id = any(${ids}::text[])`;
  return new Map(found.map((f) => [f.id as string, signedUrl(ctx.baseUrl, f.id, f.secret)]));
}
