import { performance } from 'node:perf_hooks';
import { jwtDecode, revoke } from '@commercelayer/js-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { LEASE_MS, Revocations } from '../src/auth/revocations';
import { connect, type Database } from '../src/db/client';
import type { Credentials, TestApp } from './helpers/app';
import { client } from './helpers/http';
import { failure, login, sdk, useSdkApp } from './helpers/sdk';
import { type ServerProcess, startServerProcess, stopServerProcess } from './helpers/server';

// POST /oauth/revoke (RFC 7009) and revoked tokens refused on every process.
let t: TestApp;
useSdkApp((s) => ({ t } = s));

const revokeReq = (payload: Record<string, unknown> | string, form = false) =>
  t.app.inject({
    method: 'POST',
    url: '/oauth/revoke',
    ...(form ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    payload,
  });
const read = (token: string, app = t.app) => client(app, token).get('/api/inventory_models');
const code = (res: { status: number; body: any }) => `${res.status} ${res.body?.errors?.[0]?.code ?? ''}`.trim();

describe('POST /oauth/revoke', () => {
  let creds: Credentials;
  beforeAll(async () => {
    creds = await t.application({ name: 'Revoker' });
  });

  it('revokes one token (JSON body): it answers 401 INVALID_TOKEN from then on, the others keep working', async () => {
    const [a, b] = [await t.token(creds), await t.token(creds)];
    const jti = (token: string) => (jwtDecode(token).payload as { jti?: string }).jti;
    expect(jti(a)).toEqual(expect.any(String));
    expect(jti(a)).not.toBe(jti(b));
    expect(code(await read(a))).toBe('200'); // now in the verifier's cache
    const res = await revokeReq({ token: a, ...creds });
    expect([res.statusCode, res.json()]).toEqual([200, {}]);
    expect(code(await read(a))).toBe('401 INVALID_TOKEN');
    expect((await read(a)).body.errors[0].detail).toMatch(/revoked/);
    expect(code(await client(t.app, a).get('/api/application'))).toBe('401 INVALID_TOKEN');
    expect(code(await read(b))).toBe('200');
    // a second revoke of the same token is a success too
    expect((await revokeReq({ token: a, ...creds })).statusCode).toBe(200);
  });

  it('takes a form-encoded body, and a sales channel revokes with its client_id alone', async () => {
    const token = await t.token(creds);
    const form = new URLSearchParams({ token, client_id: creds.client_id, client_secret: creds.client_secret! });
    expect((await revokeReq(form.toString(), true)).statusCode).toBe(200);
    expect(code(await read(token))).toBe('401 INVALID_TOKEN');
    const channel = await t.application({ name: 'Shop', kind: 'sales_channel', role: undefined });
    const sc = await t.token(channel);
    expect((await revokeReq({ token: sc, client_id: channel.client_id })).statusCode).toBe(200);
    expect(code(await client(t.app, sc).get('/api/organization'))).toBe('401 INVALID_TOKEN');
  });

  it('refuses bad client credentials, another client’s token and a missing token, and revokes nothing', async () => {
    const token = await t.token(creds);
    const other = await t.application({ name: 'Other' });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ token, client_id: creds.client_id, client_secret: 'wrong-secret-wrong' }, 401, 'UNAUTHORIZED'],
      [{ token, client_id: creds.client_id }, 401, 'UNAUTHORIZED'],
      [{ token }, 401, 'UNAUTHORIZED'],
      [{ token, ...other }, 400, 'UNAUTHORIZED_CLIENT'],
      [{ ...creds }, 400, 'PARAM_MISSING'],
    ];
    for (const [payload, status, c] of cases) {
      const res = await revokeReq(payload);
      expect([res.statusCode, res.json().errors[0]], JSON.stringify(payload)).toEqual([
        status,
        expect.objectContaining({ code: c, status }),
      ]);
    }
    const array = await t.app.inject({
      method: 'POST',
      url: '/oauth/revoke',
      headers: { 'content-type': 'application/json' },
      payload: '[1]',
    });
    expect([array.statusCode, array.json().errors[0].code]).toEqual([400, 'PARAM_MISSING']);
    expect(code(await read(token))).toBe('200');
  });

  it('answers 200 for a token that is already no good (garbage, tampered, expired), as RFC 7009 says', async () => {
    const token = await t.token(creds);
    for (const bad of ['garbage', `${token.slice(0, -4)}AAAA`, 'a.b.c'])
      expect((await revokeReq({ token: bad, ...creds })).statusCode, bad).toBe(200);
    expect(code(await read(token))).toBe('200');
  });
});

describe('the official clients', () => {
  it('js-auth revoke(), then the SDK: 401 INVALID_TOKEN (it refreshes only tokens whose exp has passed)', async () => {
    const creds = await t.application({ name: 'SDK revoker' });
    const token = await login(creds);
    let refreshed = 0;
    const cl = sdk(token, {
      refreshToken: async () => {
        refreshed++;
        return login(creds);
      },
    });
    expect((await cl.inventory_models.list()).meta.recordCount).toBeGreaterThanOrEqual(0);
    const res = await revoke({ clientId: creds.client_id, clientSecret: creds.client_secret, token });
    expect(res).toEqual({});
    const e = await failure(cl.inventory_models.list());
    expect([e.status, e.errors?.[0]?.code, refreshed]).toEqual([401, 'INVALID_TOKEN', 0]);
    expect((await sdk(await login(creds)).inventory_models.list()).meta.recordCount).toBeGreaterThanOrEqual(0);
  });
});

describe('revocations across processes', () => {
  let second: ServerProcess | undefined;
  afterAll(() => stopServerProcess(second?.proc));

  it('a token revoked through one process is refused by another that had it cached, at once', async () => {
    second = await startServerProcess(t.dbUrl);
    const creds = await t.application({ name: 'Two processes' });
    const tokens = await Promise.all(Array.from({ length: 12 }, () => t.token(creds)));
    const viaSecond = (token: string) =>
      fetch(`${second!.url}/api/inventory_models`, {
        headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` },
      }).then(async (r) => `${r.status} ${r.status === 200 ? '' : ((await r.json()) as any).errors[0].code}`.trim());
    for (const token of tokens) expect(await viaSecond(token)).toBe('200');
    for (const token of tokens) {
      const started = performance.now();
      expect((await revokeReq({ token, ...creds })).statusCode).toBe(200);
      expect(performance.now() - started).toBeLessThan(LEASE_MS); // confirmed by both, not timed out
      expect(await viaSecond(token)).toBe('401 INVALID_TOKEN');
    }
  });

  it('a process started after the revocation loads it', async () => {
    const creds = await t.application({ name: 'Late process' });
    const token = await t.token(creds);
    await revokeReq({ token, ...creds });
    const database = connect(t.dbUrl, 2);
    const late = await buildApp({ config: t.config, database, logger: false });
    try {
      expect(code(await read(token, late))).toBe('401 INVALID_TOKEN');
      expect(code(await read(await t.token(creds), late))).toBe('200');
    } finally {
      await late.close();
      await database.close();
    }
  });
});

describe('Revocations', () => {
  let databases: Database[] = [];
  const open = async () => {
    const database = connect(t.dbUrl, 2);
    databases.push(database);
    const r = new Revocations(database, () => {});
    await r.start();
    return { database, r };
  };
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.close()));
    databases = [];
  });
  const listeners = async (database: Database) =>
    (
      await database.sql`select application_name as name from pg_stat_activity
        where datname = current_database() and application_name like 'allot-revocations%'`
    ).map((r) => r.name as string);
  const exp = () => Math.floor(Date.now() / 1000) + 600;

  it('answers from memory while it listens (no statement on the hot path), from the table when it cannot', async () => {
    const a = await open();
    const b = await open();
    try {
      expect(b.r.isRevoked('nobody')).toBe(false); // a plain boolean: nothing asked of PostgreSQL
      await a.r.revoke('key-1', exp());
      expect(b.r.isRevoked('key-1')).toBe(true);
    } finally {
      await b.r.close();
    }
    // B no longer listens: it asks the table, and still sees what A revokes
    await a.r.revoke('key-2', exp());
    const answer = b.r.isRevoked('key-2');
    expect(answer).toBeInstanceOf(Promise);
    expect([await answer, await b.r.isRevoked('key-3')]).toEqual([true, false]);
    await a.r.close();
  });

  it('stops trusting memory when its connection dies, and catches up when it listens again', async () => {
    const a = await open();
    const b = await open();
    try {
      await a.database.sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name like 'allot-revocations%'`;
      await expect.poll(() => b.r.trusted()).toBe(false);
      await a.r.revoke('key-while-away', exp());
      await expect.poll(() => b.r.trusted(), { timeout: 5000 }).toBe(true);
      expect(b.r.isRevoked('key-while-away')).toBe(true);
      expect(await listeners(a.database)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^allot-revocations:\d+$/)]),
      );
    } finally {
      await Promise.all([a.r.close(), b.r.close()]);
    }
  });

  it('waits for a listener that does not confirm only until its lease has run out', async () => {
    const a = await open();
    // a stalled process: it reports an old generation and never catches up
    const stalled = connect(t.dbUrl, 1);
    await stalled.sql`select set_config('application_name', 'allot-revocations:0', false)`;
    try {
      expect(await listeners(a.database)).toContain('allot-revocations:0');
      const started = performance.now();
      await a.r.revoke('key-stalled', exp());
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(LEASE_MS);
      expect(took).toBeLessThan(LEASE_MS + 2000);
    } finally {
      await Promise.all([a.r.close(), stalled.close()]);
    }
  });

  it('drops expired revocations from the table and from memory', async () => {
    const a = await open();
    try {
      const past = Math.floor(Date.now() / 1000) - 120;
      await a.r.revoke('long-expired', past);
      await a.r.revoke('fresh', exp()); // each revoke deletes what expired more than a minute ago
      const rows = await a.database.sql`select jti from token_revocations where jti in ('long-expired', 'fresh')`;
      expect(rows.map((r) => r.jti)).toEqual(['fresh']);
      const b = await open();
      expect([b.r.isRevoked('long-expired'), b.r.isRevoked('fresh')]).toEqual([false, true]);
      await b.r.close();
    } finally {
      await a.r.close();
    }
  });
});
