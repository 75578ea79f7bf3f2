import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Client } from './http';

/** POST /api/imports; returns the response. */
export const postImport = (api: Client, attributes: Record<string, unknown>) =>
  api.post('/api/imports', { data: { type: 'imports', attributes } });

export const postExport = (api: Client, attributes: Record<string, unknown>) =>
  api.post('/api/exports', { data: { type: 'exports', attributes } });

/** Poll a job until it leaves pending/in_progress (or the time runs out); returns its attributes. */
export async function settle(api: Client, type: 'imports' | 'exports', id: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/api/${type}/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body.data.attributes;
    if (!['pending', 'in_progress'].includes(a.status)) return a;
    if (Date.now() > until) throw new Error(`${type}/${id} still ${a.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Import and wait: the settled import's attributes. */
export async function importAndSettle(api: Client, attributes: Record<string, unknown>) {
  const res = await postImport(api, attributes);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id as string, ...(await settle(api, 'imports', res.body.data.id)) };
}

/** Fetch a signed attachment link (served by the app under test) and gunzip it. */
export async function download(app: FastifyInstance, url: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: url.replace(/^https?:\/\/[^/]+/, '') });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/gzip');
  return gunzipSync(res.rawPayload).toString('utf8');
}
