import { authenticate, jwtDecode, jwtIsIntegration, jwtVerify } from '@commercelayer/js-auth';
import { CommerceLayer } from '@commercelayer/sdk/bundle';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, organizationId } from '../src/auth/keys';
import { mintToken } from '../src/auth/tokens';
import type { Credentials, TestApp } from './helpers/app';
import { API_HOST, AUTH_HOST, DOMAIN, failure, login, sdk, sdkFetch, sdkUrls, useSdkApp } from './helpers/sdk';

// The official Commerce Layer clients against a listening server: js-auth for tokens and the JWKS,
// @commercelayer/sdk for inventory_models (test/helpers/sdk.ts).
let t: TestApp;
let admin: Credentials;
let readOnly: Credentials;
let cl: ReturnType<typeof sdk>;

useSdkApp((s) => ({ t } = s));
beforeAll(async () => {
  admin = await t.application({ name: 'sdk admin' });
  readOnly = await t.application({ name: 'sdk read only', role: 'read_only' });
  cl = sdk(await login(admin));
});

describe('js-auth against the token endpoint', () => {
  it('authenticates with client_credentials and the token carries the organization and issuer', async () => {
    const auth = await authenticate('client_credentials', {
      clientId: admin.client_id,
      clientSecret: admin.client_secret!,
      domain: DOMAIN,
    });
    expect(auth.tokenType).toBe('bearer');
    expect(auth.expiresIn).toBe(7200);
    expect(auth.expires.getTime()).toBeGreaterThan(Date.now());
    const { payload } = jwtDecode(auth.accessToken);
    expect(payload.iss).toBe(AUTH_HOST);
    expect(jwtIsIntegration(payload)).toBe(true);
    expect(jwtIsIntegration(payload) && payload.organization.slug).toBe('local');
  });

  it('reports bad credentials in its errors list', async () => {
    const auth: any = await authenticate('client_credentials', {
      clientId: admin.client_id,
      clientSecret: 'wrong',
      domain: DOMAIN,
    });
    expect(auth.accessToken).toBeUndefined();
    expect(auth.errors[0]).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('jwtVerify checks the signature against the served /.well-known/jwks.json', async () => {
    const token = await login(admin);
    const { payload } = await jwtVerify(token);
    expect(jwtIsIntegration(payload) && payload.organization.slug).toBe('local');
    const [h, p, s] = token.split('.');
    const forged = `${h}.${p}.${s!.slice(0, -6)}${s!.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
    await expect(jwtVerify(forged)).rejects.toThrow(/signature/i);
  });
});

describe('inventory_models through @commercelayer/sdk', () => {
  it('derives organization and domain from the token alone', async () => {
    const bare = CommerceLayer({ accessToken: await login(admin), fetch: sdkFetch });
    expect(bare.currentOrganization).toBe('local');
    sdkUrls.length = 0;
    const created = await bare.inventory_models.create({ name: 'Derived' });
    expect(created.id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(sdkUrls).toEqual([`${API_HOST}/api/inventory_models`]);
  });

  it('creates with metadata and reference, retrieves, updates and deletes', async () => {
    const created = await cl.inventory_models.create({
      name: 'SDK Model',
      strategy: 'split_shipments',
      stock_locations_cutoff: 4,
      reference: 'ERP-42',
      reference_origin: 'erp',
      metadata: { region: 'eu', tiers: [1, 2] },
    });
    expect(created).toMatchObject({
      type: 'inventory_models',
      name: 'SDK Model',
      strategy: 'split_shipments',
      stock_locations_cutoff: 4,
      stock_reservation_cutoff: 3600,
      put_stock_transfers_on_hold: false,
      manual_stock_decrement: false,
      reference: 'ERP-42',
      reference_origin: 'erp',
      metadata: { region: 'eu', tiers: [1, 2] },
    });
    expect(cl.inventory_models.isInventoryModel(created)).toBe(true);

    const got = await cl.inventory_models.retrieve(created.id);
    expect(got).toEqual(created);

    const updated = await cl.inventory_models.update({
      id: created.id,
      name: 'SDK Model v2',
      manual_stock_decrement: true,
      metadata: { region: 'us' },
    });
    expect(updated).toMatchObject({
      id: created.id,
      name: 'SDK Model v2',
      manual_stock_decrement: true,
      strategy: 'split_shipments',
      metadata: { region: 'us' },
      created_at: created.created_at,
    });

    await expect(cl.inventory_models.delete(created.id)).resolves.toBeUndefined();
    const gone = await failure(cl.inventory_models.retrieve(created.id));
    expect(cl.isApiError(gone)).toBe(true);
    expect(gone.status).toBe(404);
    expect(gone.errors[0]).toMatchObject({ code: 'RECORD_NOT_FOUND', status: '404' });
  });

  it('lists with filters, both sort forms, pages and count', async () => {
    const tag = `Flt${Date.now().toString(36)}`;
    const specs = [
      { name: `${tag} alpha`, strategy: 'no_split', stock_locations_cutoff: 1 },
      { name: `${tag} bravo`, strategy: 'split_shipments', stock_locations_cutoff: 3 },
      { name: `${tag} charlie`, strategy: 'ship_from_primary', stock_locations_cutoff: 5 },
      { name: `${tag} delta`, strategy: 'split_shipments', stock_locations_cutoff: 7 },
      { name: `${tag} echo`, strategy: 'no_split', stock_locations_cutoff: 9 },
    ];
    for (const s of specs) await cl.inventory_models.create(s);
    // ListResponse is an Array subclass: map() would build another ListResponse
    const names = (list: { name: string }[]) => Array.from(list, (m) => m.name.slice(tag.length + 1));

    const all = await cl.inventory_models.list({ filters: { name_cont: tag }, sort: { name: 'desc' } });
    expect(names(all)).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);
    expect(all.meta).toMatchObject({ recordCount: 5, pageCount: 1, currentPage: 1 });
    const asc = await cl.inventory_models.list({ filters: { name_cont: tag }, sort: ['stock_locations_cutoff'] });
    expect(names(asc)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    const desc = await cl.inventory_models.list({ filters: { name_cont: tag }, sort: ['-stock_locations_cutoff'] });
    expect(names(desc)).toEqual(['echo', 'delta', 'charlie', 'bravo', 'alpha']);

    const cut = await cl.inventory_models.list({
      filters: { name_cont: tag, stock_locations_cutoff_gteq: 5 },
      sort: { name: 'asc' },
    });
    expect(names(cut)).toEqual(['charlie', 'delta', 'echo']);
    const strat = await cl.inventory_models.list({
      filters: { name_cont: tag, strategy_in: ['split_shipments', 'ship_from_primary'] },
      sort: { name: 'asc' },
    });
    expect(names(strat)).toEqual(['bravo', 'charlie', 'delta']);

    const page1 = await cl.inventory_models.list({
      filters: { name_cont: tag },
      sort: { name: 'asc' },
      pageSize: 2,
      pageNumber: 1,
    });
    expect(names(page1)).toEqual(['alpha', 'bravo']);
    expect(page1.recordCount).toBe(5);
    expect(page1.pageCount).toBe(3);
    expect(page1.hasNextPage()).toBe(true);
    const page3 = await cl.inventory_models.list({
      filters: { name_cont: tag },
      sort: { name: 'asc' },
      pageSize: 2,
      pageNumber: 3,
    });
    expect(names(page3)).toEqual(['echo']);
    expect(page3.meta).toMatchObject({ recordCount: 5, pageCount: 3, currentPage: 3, recordsPerPage: 2 });
    expect(page3.hasNextPage()).toBe(false);
    expect(page3.hasPrevPage()).toBe(true);

    expect(await cl.inventory_models.count({ name_cont: tag })).toBe(5);
    expect(await cl.inventory_models.count({ filters: { name_cont: tag, strategy_in: ['no_split'] } })).toBe(2);
    expect(await cl.inventory_models.count({ name_cont: `${tag} nobody` })).toBe(0);
  });

  it('includes stock_levels as an empty list on retrieve and list', async () => {
    const m = await cl.inventory_models.create({ name: `Inc ${Date.now()}` });
    const got: any = await cl.inventory_models.retrieve(m.id, {
      include: ['stock_levels', 'inventory_return_locations'],
    });
    expect(got.stock_levels).toEqual([]);
    expect(got.inventory_return_locations).toEqual([]);
    const plain: any = await cl.inventory_models.retrieve(m.id);
    expect(plain.stock_levels).toBeUndefined();
    const listed: any = await cl.inventory_models.list({ filters: { id_eq: m.id }, include: ['stock_levels'] });
    expect(listed).toHaveLength(1);
    expect(listed[0].stock_levels).toEqual([]);
    expect(await cl.inventory_models.inventory_stock_locations(m.id)).toHaveLength(0);
  });
});

describe('errors as the SDK reports them', () => {
  it('422 VALIDATION_ERROR with a pointer for stock_locations_cutoff 11', async () => {
    const e = await failure(cl.inventory_models.create({ name: 'Too many', stock_locations_cutoff: 11 }));
    expect(cl.isApiError(e)).toBe(true);
    expect(e.status).toBe(422);
    expect(e.first()).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: '422',
      source: { pointer: '/data/attributes/stock_locations_cutoff' },
    });
  });

  it('404 RECORD_NOT_FOUND for a missing id on retrieve, update and delete', async () => {
    const calls = [
      () => cl.inventory_models.retrieve('missing123'),
      () => cl.inventory_models.update({ id: 'missing123', name: 'x' }),
      () => cl.inventory_models.delete('missing123'),
    ];
    for (const call of calls) {
      const e = await failure(call());
      expect(e.status).toBe(404);
      expect(e.errors[0].code).toBe('RECORD_NOT_FOUND');
    }
  });

  it('401 UNAUTHORIZED when a read_only token creates, while it can still read', async () => {
    const ro = sdk(await login(readOnly));
    const e = await failure(ro.inventory_models.create({ name: 'Nope' }));
    expect(cl.isApiError(e)).toBe(true);
    expect(e.status).toBe(401);
    expect(e.errors[0].code).toBe('UNAUTHORIZED');
    expect(await ro.inventory_models.count({ name_eq: 'Nope' })).toBe(0);
  });

  it('refreshes an expired token through the refreshToken callback, once', async () => {
    const issuer = {
      key: await loadSigningKey(t.database.db),
      issuer: AUTH_HOST,
      organization: { id: await organizationId(t.database.db), slug: 'local' },
    };
    const applicationId = jwtDecode(await login(admin)).payload.application.id;
    const past = Math.floor(Date.now() / 1000) - 3 * 7200;
    const expired = (
      await mintToken(
        issuer,
        {
          applicationId,
          kind: 'integration',
          role: 'admin',
          mode: 'test',
          scope: 'market:all',
          marketIds: [],
          stockLocationIds: [],
        },
        past,
      )
    ).access_token;

    const noRefresh = await failure(sdk(expired).inventory_models.list());
    expect(noRefresh.status).toBe(401);
    expect(noRefresh.errors[0].code).toBe('INVALID_TOKEN');

    const seen: string[] = [];
    const client = sdk(expired, {
      refreshToken: async (old) => {
        seen.push(old);
        return login(admin);
      },
    });
    const created = await client.inventory_models.create({ name: 'After refresh' });
    expect(created.name).toBe('After refresh');
    expect(seen).toEqual([expired]);
    expect(client.currentAccessToken).not.toBe(expired);
    expect((await client.inventory_models.retrieve(created.id)).id).toBe(created.id);
    expect(seen).toHaveLength(1);
  });
});
