import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertApplication } from '../src/auth/applications';
import { connect, type Database } from '../src/db/client';
import { createTestDatabase } from './helpers/app';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';
import { useTestApp } from './helpers/use-app';

const jsonApi = { accept: 'application/vnd.api+json', 'content-type': 'application/vnd.api+json' };

/**
 * Two instances on one database share Commerce Layer's limits: together they admit what one limit
 * allows, never more, and refuse the rest with 429; early refusals are bounded by the allowance the
 * other instance holds unused (README, "Rate limits across processes").
 */
let db: { url: string; drop(): Promise<void> };
let database: Database;
let a: ServerProcess;
let b: ServerProcess;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  database = connect(db.url, 2);
  await upsertApplication(database.db, {
    name: 'shared limits',
    kind: 'integration',
    role: 'admin',
    mode: 'test',
    client_id: 'shared-limits-client',
    client_secret: 'shared-limits-secret-0123456789',
  });
  [a, b] = await Promise.all([
    startServerProcess(db.url, { RATE_LIMITS: 'on' }),
    startServerProcess(db.url, { RATE_LIMITS: 'on' }),
  ]);
  const res = await fetch(`${a.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'shared-limits-client',
      client_secret: 'shared-limits-secret-0123456789',
    }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
}, 60_000);
afterAll(async () => {
  await Promise.all([stopServerProcess(a?.proc), stopServerProcess(b?.proc)]);
  await database?.close();
  await db?.drop();
});

const headers = () => ({
  accept: 'application/vnd.api+json',
  'content-type': 'application/vnd.api+json',
  authorization: `Bearer ${token}`,
});
const create = (base: string, name: string) =>
  fetch(`${base}/api/inventory_models`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ data: { type: 'inventory_models', attributes: { name } } }),
  });

/** Start early in a 10 s window, so that a burst is not split across two. */
const alignToWindow = async () => {
  const into = Date.now() % 10_000;
  if (into > 4_000) await new Promise((r) => setTimeout(r, 10_050 - into));
};

describe('rate limits across two instances on one database', () => {
  it('admit 25 writes in 10 s between them, alternating, and refuse the rest with 429', async () => {
    await alignToWindow();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await create(i % 2 ? b.url : a.url, `Shared ${i}`);
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    }
    const admitted = statuses.filter((s) => s === 201).length;
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    expect(admitted).toBeLessThanOrEqual(25);
    expect(admitted).toBeGreaterThanOrEqual(23); // the tolerance: allowance the other held unused
    // refused writes wrote nothing
    const [{ n }] = await database.sql<{ n: number }[]>`select count(*)::int as n from inventory_models`;
    expect(n).toBe(admitted);
  });

  it('admit at most 125 reads in 10 s between them under a concurrent burst', async () => {
    await alignToWindow();
    const read = (base: string) => fetch(`${base}/api/skus`, { headers: headers() }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => read(i % 2 ? b.url : a.url)));
    const admitted = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(admitted).toBeLessThanOrEqual(125);
    expect(admitted).toBeGreaterThanOrEqual(115);
  });
});

describe('behind a proxy (TRUST_PROXY)', () => {
  const s = useTestApp({ env: { RATE_LIMITS: 'on', TRUST_PROXY: '127.0.0.1' } });
  const write = (from: string, i: number) =>
    s.t.app.inject({
      method: 'POST',
      url: '/api/inventory_models',
      headers: { ...jsonApi, authorization: `Bearer ${s.t.tokens.admin}`, 'x-forwarded-for': from },
      payload: JSON.stringify({ data: { type: 'inventory_models', attributes: { name: `Proxied ${i}` } } }),
    });

  it('counts each client by its forwarded address, not the proxy’s', async () => {
    await alignToWindow();
    const first: number[] = [];
    for (let i = 0; i < 26; i++) first.push((await write('192.0.2.10', i)).statusCode);
    expect(first.slice(0, 25).every((c) => c === 201)).toBe(true);
    expect(first[25]).toBe(429);
    expect((await write('192.0.2.11', 99)).statusCode).toBe(201);
  });
});
