import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jwtDecode, jwtVerify } from '@commercelayer/js-auth';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { ApplicationSpecError, bootstrapApplication, upsertFromFile } from '../src/auth/applications';
import { ALG, loadSigningKey, organizationId } from '../src/auth/keys';
import { mintToken, type TokenIssuer } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { connect } from '../src/db/client';
import { createTestDatabase, type TestApp } from './helpers/app';
import { client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

let t: TestApp;
let dir: string;
useTestApp({}, (s) => ({ t } = s));
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'allot-apps-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tokenReq = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/oauth/token', payload });
const claims = (token: string) => jwtDecode(token).payload as any;
const issuer = async (): Promise<TokenIssuer> => ({
  key: await loadSigningKey(t.database.db),
  issuer: 'https://auth.allot.localhost',
  organization: { id: await organizationId(t.database.db), slug: 'local' },
});
const subject = {
  applicationId: 'whoever',
  kind: 'integration' as const,
  role: 'admin' as const,
  mode: 'test' as const,
  scope: 'market:all',
  marketIds: [],
  stockLocationIds: [],
};

describe('POST /oauth/token', () => {
  it('issues an integration token from a JSON body, with Commerce Layer claims', async () => {
    const creds = await t.application({ name: 'JSON integration' });
    const before = Math.floor(Date.now() / 1000);
    const res = await tokenReq({ grant_type: 'client_credentials', ...creds });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'market:all',
      created_at: expect.any(Number),
    });
    expect(Math.abs(body.created_at - before)).toBeLessThanOrEqual(2);
    const { header, payload } = jwtDecode(body.access_token) as any;
    expect(header).toMatchObject({ alg: 'RS512', typ: 'JWT', kid: expect.any(String) });
    expect(payload.organization).toMatchObject({ id: expect.any(String), slug: 'local' });
    expect(payload.application).toMatchObject({ id: expect.any(String), kind: 'integration', public: false });
    expect(payload).toMatchObject({ test: true, iss: 'https://auth.allot.localhost', scope: 'market:all' });
    expect(payload.exp - payload.iat).toBe(body.expires_in);
    // the organization in the token is the one resources report
    const created = await client(t.app, body.access_token).post(
      '/api/inventory_models',
      doc('inventory_models', { name: 'Org check' }),
    );
    expect(created.body.data.meta.organization_id).toBe(payload.organization.id);
  });

  it('accepts an application/x-www-form-urlencoded body and issues 4 h sales_channel tokens', async () => {
    const creds = await t.application({ name: 'Form channel', kind: 'sales_channel', role: undefined, mode: 'live' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.client_id }).toString(),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 14400, scope: 'market:all' });
    const payload = claims(body.access_token);
    expect(payload).toMatchObject({
      application: { kind: 'sales_channel', public: true },
      test: false,
      organization: { slug: 'local' },
    });
    expect(payload.exp - payload.iat).toBe(14400);
  });

  it('refuses a wrong secret and an unknown client with 401 and an errors array', async () => {
    const creds = await t.application({ name: 'Secretive' });
    for (const payload of [
      { grant_type: 'client_credentials', client_id: creds.client_id, client_secret: `${creds.client_secret}x` },
      { grant_type: 'client_credentials', client_id: creds.client_id },
      { grant_type: 'client_credentials', client_id: 'no-such-client-id', client_secret: 'whatever-secret-here' },
    ]) {
      const res = await tokenReq(payload);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        errors: [
          expect.objectContaining({
            code: expect.any(String),
            title: expect.any(String),
            detail: expect.any(String),
            status: 401,
          }),
        ],
      });
    }
  });

  it('answers a request without grant_type with a 4xx error', async () => {
    const creds = await t.application({ name: 'No grant' });
    const res = await tokenReq({ ...creds });
    expect([res.statusCode >= 400 && res.statusCode < 500, Array.isArray(res.json().errors)]).toEqual([true, true]);
  });

  it('publishes the signing key at /.well-known/jwks.json, with the kid of the token header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json();
    const { header } = jwtDecode(t.tokens.admin);
    const jwk = keys.find((k: any) => k.kid === header.kid);
    expect(jwk).toMatchObject({ kty: 'RSA', kid: header.kid });
    expect(jwk.d).toBeUndefined(); // never the private part
    // js-auth's verifier accepts the token against that key
    await expect(jwtVerify(t.tokens.admin, { jwk })).resolves.toBeTruthy();
  });
});

describe('bearer tokens on /api', () => {
  const unauthorized = (res: { status: number; body: any }, code = 'UNAUTHORIZED') => {
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toMatchObject({ code, status: '401' });
  };

  it('401s a missing token UNAUTHORIZED, and a garbage, tampered, foreign or expired one INVALID_TOKEN', async () => {
    unauthorized(await client(t.app).get('/api/inventory_models'));
    unauthorized(await client(t.app, 'not-a-jwt').get('/api/inventory_models'), 'INVALID_TOKEN');
    unauthorized(await client(t.app, 'a.b.c').get('/api/inventory_models'), 'INVALID_TOKEN');
    const own = await issuer();
    const { privateKey, publicKey } = await generateKeyPair(ALG, { modulusLength: 2048 });
    const foreign = await mintToken({ ...own, key: { ...own.key, privateKey, publicKey } }, subject);
    unauthorized(await client(t.app, foreign.access_token).get('/api/inventory_models'), 'INVALID_TOKEN');
    const wrongIssuer = await mintToken({ ...own, issuer: 'https://auth.commercelayer.io' }, subject);
    unauthorized(await client(t.app, wrongIssuer.access_token).get('/api/inventory_models'), 'INVALID_TOKEN');
    const otherOrg = await mintToken({ ...own, organization: { id: 'another-org', slug: 'local' } }, subject);
    unauthorized(await client(t.app, otherOrg.access_token).get('/api/inventory_models'), 'INVALID_TOKEN');
    // one changed character in the payload or the signature of a good token
    const [h, p, sig] = t.tokens.admin.split('.') as [string, string, string];
    const flip = (x: string) => x.slice(0, 10) + (x[10] === 'A' ? 'B' : 'A') + x.slice(11);
    for (const tampered of [`${h}.${flip(p)}.${sig}`, `${h}.${p}.${flip(sig)}`, `${h}.${p}.`])
      unauthorized(await client(t.app, tampered).get('/api/inventory_models'), 'INVALID_TOKEN');
    // Basic credentials are no bearer token at all
    unauthorized(
      await client(t.app).call({
        method: 'GET',
        url: '/api/inventory_models',
        headers: { authorization: 'Basic eDp5' },
      }),
    );
    const expired = await mintToken(own, subject, Math.floor(Date.now() / 1000) - 8000);
    unauthorized(await client(t.app, expired.access_token).get('/api/inventory_models'), 'INVALID_TOKEN');
    // the same issuer with a fresh clock is accepted: only the expiry was wrong
    const fresh = await mintToken(own, subject);
    expect((await client(t.app, fresh.access_token).get('/api/inventory_models')).status).toBe(200);
  });

  it('lets a read_only integration list and retrieve but not write, and writes nothing', async () => {
    const admin = client(t.app, t.tokens.admin);
    const ro = client(t.app, t.tokens.readOnly);
    const id = (await admin.post('/api/inventory_models', doc('inventory_models', { name: 'RO target' }))).body.data.id;
    const count = async () => (await admin.get('/api/inventory_models')).body.meta.record_count;
    const n = await count();
    expect((await ro.get('/api/inventory_models')).status).toBe(200);
    expect((await ro.get(`/api/inventory_models/${id}`)).body.data.attributes.name).toBe('RO target');
    unauthorized(await ro.post('/api/inventory_models', doc('inventory_models', { name: 'RO new' })));
    unauthorized(
      await ro.patch(`/api/inventory_models/${id}`, doc('inventory_models', { name: 'RO changed' }, {}, id)),
    );
    unauthorized(await ro.delete(`/api/inventory_models/${id}`));
    expect(await count()).toBe(n);
    expect((await admin.get(`/api/inventory_models/${id}`)).body.data.attributes.name).toBe('RO target');
  });

  it('401s a sales channel on every inventory_models endpoint', async () => {
    const id = (
      await client(t.app, t.tokens.admin).post('/api/inventory_models', doc('inventory_models', { name: 'SC target' }))
    ).body.data.id;
    const sc = client(t.app, t.tokens.salesChannel);
    unauthorized(await sc.get('/api/inventory_models'));
    unauthorized(await sc.get(`/api/inventory_models/${id}`));
    unauthorized(await sc.get('/api/inventory_models/doesnotexist'));
    unauthorized(await sc.post('/api/inventory_models', doc('inventory_models', { name: 'SC new' })));
    unauthorized(
      await sc.patch(`/api/inventory_models/${id}`, doc('inventory_models', { name: 'SC changed' }, {}, id)),
    );
    unauthorized(await sc.delete(`/api/inventory_models/${id}`));
    unauthorized(await sc.get(`/api/inventory_models/${id}/stock_levels`));
    unauthorized(await sc.get(`/api/inventory_models/${id}/inventory_stock_locations`));
    unauthorized(await sc.get(`/api/inventory_models/${id}/relationships/stock_levels`));
    expect((await client(t.app, t.tokens.admin).get(`/api/inventory_models/${id}`)).body.data.attributes.name).toBe(
      'SC target',
    );
  });

  it('keeps test and live data apart', async () => {
    const live = client(t.app, t.tokens.live);
    const test = client(t.app, t.tokens.admin);
    const created = await live.post('/api/inventory_models', doc('inventory_models', { name: 'Live only' }));
    const id = created.body.data.id;
    expect([created.status, created.body.data.meta.mode]).toEqual([201, 'live']);
    expect((await live.get(`/api/inventory_models/${id}`)).body.data).toMatchObject({
      attributes: { name: 'Live only' },
      meta: { mode: 'live' },
    });
    expect((await test.get(`/api/inventory_models/${id}`)).status).toBe(404);
    expect(
      (await test.patch(`/api/inventory_models/${id}`, doc('inventory_models', { name: 'x' }, {}, id))).status,
    ).toBe(404);
    expect((await test.delete(`/api/inventory_models/${id}`)).status).toBe(404);
    const testList = await test.get('/api/inventory_models?page[size]=25');
    expect(testList.body.data.map((d: any) => d.id)).not.toContain(id);
    expect(testList.body.data.every((d: any) => d.meta.mode === 'test')).toBe(true);
    expect((await test.get(`/api/inventory_models?filter[ids]=${id}`)).body.meta.record_count).toBe(0);
    expect((await live.get(`/api/inventory_models?filter[ids]=${id}`)).body.data.map((d: any) => d.id)).toEqual([id]);
  });

  it('GET /api/application returns the calling application for each kind', async () => {
    const cases = [
      [{ name: 'App admin' }, 'integration'],
      [{ name: 'App reader', role: 'read_only' as const }, 'integration'],
      [{ name: 'App live', mode: 'live' as const }, 'integration'],
      [{ name: 'App channel', kind: 'sales_channel' as const, role: undefined }, 'sales_channel'],
    ] as const;
    for (const [spec, kind] of cases) {
      const token = await t.token(await t.application(spec));
      const res = await client(t.app, token).get('/api/application');
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        type: 'applications',
        id: claims(token).application.id,
        attributes: { name: spec.name, kind },
      });
    }
  });
});

describe('APPLICATIONS_FILE', () => {
  const file = async (name: string, content: unknown) => {
    const p = path.join(dir, name);
    await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  const grant = (client_id: string, client_secret?: string) =>
    tokenReq({ grant_type: 'client_credentials', client_id, client_secret });
  const appId = async (client_id: string, client_secret?: string) =>
    claims((await grant(client_id, client_secret)).json().access_token).application.id;

  it('upserts applications idempotently; a changed secret takes effect', async () => {
    const specs = [
      {
        name: 'ERP sync',
        kind: 'integration',
        role: 'admin',
        mode: 'test',
        client_id: 'erp-sync-client',
        client_secret: 'erp-sync-secret-0001',
      },
      { name: 'Storefront', kind: 'sales_channel', mode: 'live', client_id: 'storefront-client' },
    ];
    const p = await file('apps.json', specs);
    expect(await upsertFromFile(t.database.db, p)).toBe(2);
    const id = await appId('erp-sync-client', 'erp-sync-secret-0001');
    const sc = (await grant('storefront-client')).json();
    expect([sc.expires_in, claims(sc.access_token).test, claims(sc.access_token).application.kind]).toEqual([
      14400,
      false,
      'sales_channel',
    ]);
    // same file again: nothing changes, the same credentials keep working
    expect(await upsertFromFile(t.database.db, p)).toBe(2);
    expect(await appId('erp-sync-client', 'erp-sync-secret-0001')).toBe(id);
    // secret and name changed in the file: the old secret stops working, the application stays the same
    await upsertFromFile(
      t.database.db,
      await file('apps.json', [{ ...specs[0], name: 'ERP sync v2', client_secret: 'erp-sync-secret-0002' }, specs[1]]),
    );
    expect((await grant('erp-sync-client', 'erp-sync-secret-0001')).statusCode).toBe(401);
    const rotated = (await grant('erp-sync-client', 'erp-sync-secret-0002')).json().access_token;
    expect(claims(rotated).application.id).toBe(id);
    expect((await client(t.app, rotated).get('/api/application')).body.data.attributes.name).toBe('ERP sync v2');
  });

  it.each([
    ['missing.json', undefined, /missing\.json/],
    ['broken.json', '[{"name": ', /broken\.json/],
    ['object.json', { name: 'x' }, /JSON array/],
    [
      'noid.json',
      [{ name: 'A', kind: 'integration', mode: 'test', client_secret: 'a-long-enough-secret' }],
      /client_id/,
    ],
    ['nosecret.json', [{ name: 'A', kind: 'integration', mode: 'test', client_id: 'client-aaaa' }], /client_secret/],
    [
      'short.json',
      [{ name: 'A', kind: 'integration', mode: 'test', client_id: 'client-aaaa', client_secret: 'short' }],
      /at least 16/,
    ],
    ['kind.json', [{ name: 'A', kind: 'webapp', mode: 'test', client_id: 'client-aaaa' }], /\[0\].*kind/],
    ['mode.json', [{ name: 'A', kind: 'sales_channel', mode: 'prod', client_id: 'client-aaaa' }], /mode/],
    [
      'screts.json',
      [
        {
          name: 'A',
          kind: 'sales_channel',
          mode: 'test',
          client_id: 'client-aaaa',
          client_secret: 'a-long-enough-secret',
        },
      ],
      /client_secret/,
    ],
    [
      'role.json',
      [
        {
          name: 'A',
          kind: 'integration',
          role: 'owner',
          mode: 'test',
          client_id: 'client-aaaa',
          client_secret: 'a-long-enough-secret',
        },
      ],
      /role/,
    ],
  ])('refuses %s with ApplicationSpecError', async (name, content, message) => {
    const p = content === undefined ? path.join(dir, name) : await file(name, content);
    const err = await upsertFromFile(t.database.db, p).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationSpecError);
    expect(err.message).toMatch(message);
  });

  it('applies nothing from a file with one bad entry', async () => {
    const p = await file('mixed.json', [
      {
        name: 'Good',
        kind: 'integration',
        mode: 'test',
        client_id: 'good-client-1',
        client_secret: 'good-client-secret-1',
      },
      { name: 'Bad', kind: 'integration', mode: 'test', client_id: 'bad' },
    ]);
    await expect(upsertFromFile(t.database.db, p)).rejects.toThrow(/\[1\]/);
    expect((await grant('good-client-1', 'good-client-secret-1')).statusCode).toBe(401);
  });
});

describe('bootstrapApplication', () => {
  it('creates one integration admin in test mode only when no application exists', async () => {
    const tdb = await createTestDatabase();
    const database = connect(tdb.url, 2);
    const app = await buildApp({
      config: loadConfig({ RATE_LIMITS: 'off', DATABASE_URL: tdb.url }),
      database,
      logger: false,
    });
    try {
      const boot = await bootstrapApplication(database.db);
      expect(boot).toMatchObject({ client_id: expect.any(String), client_secret: expect.any(String) });
      expect(await bootstrapApplication(database.db)).toBeUndefined();
      const res = await app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: boot!.client_id, client_secret: boot!.client_secret },
      });
      const token = res.json().access_token;
      expect(claims(token)).toMatchObject({ test: true, application: { kind: 'integration' } });
      expect(
        (await client(app, token).post('/api/inventory_models', doc('inventory_models', { name: 'Boot' }))).status,
      ).toBe(201);
    } finally {
      await app.close();
      await database.close();
      await tdb.drop();
    }
  });

  it('creates nothing on a database that already has applications', async () => {
    expect(await bootstrapApplication(t.database.db)).toBeUndefined();
  });
});
