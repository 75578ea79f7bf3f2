import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app';
import { client } from './helpers/http';
import { login, sdk, useSdkApp } from './helpers/sdk';

// GET /api/organization and /api/application: what the official CLI's login reads.
let t: TestApp;
useSdkApp((s) => ({ t } = s));

beforeAll(async () => {
  const api = client(t.app, t.tokens.admin);
  const post = async (type: string, attributes: object, relationships: object = {}) =>
    (await api.post(`/api/${type}`, { data: { type, attributes, relationships } })).body.data.id as string;
  const model = await post('inventory_models', { name: 'Org model' });
  await post(
    'markets',
    { name: 'Org market', code: 'org-eu' },
    {
      inventory_model: { data: { type: 'inventory_models', id: model } },
    },
  );
});

describe('GET /api/organization', () => {
  it('answers every integration and sales channel token with the configured organization', async () => {
    const scoped = await t.token(await t.application({ kind: 'sales_channel', role: undefined }), 'market:code:org-eu');
    const tokens = { ...t.tokens, scoped };
    for (const [who, token] of Object.entries(tokens)) {
      const res = await client(t.app, token).get('/api/organization');
      expect(res.status, who).toBe(200);
      expect(res.body.data).toMatchObject({
        type: 'organizations',
        id: expect.stringMatching(/^\w+$/),
        links: { self: 'http://localhost:80/api/organization' },
        attributes: {
          name: 'local',
          slug: 'local',
          domain: 'local.allot.localhost',
          inventory_models_max_stock_locations_cutoff: 10,
          imports_max_concurrent_count: 10,
          exports_max_concurrent_count: 10,
          imports_skip_errors: false,
          imports_trigger_webhooks: false,
          support_email: null,
          config: null,
          api_rules_engine: null,
        },
        meta: { mode: who === 'live' ? 'live' : 'test' },
      });
      expect(res.body.data.relationships).toEqual({});
      expect(Date.parse(res.body.data.attributes.created_at)).toBeLessThanOrEqual(Date.now());
    }
  });

  it('has the id organization_id carries on every resource, and the cutoff the models enforce', async () => {
    const api = client(t.app, t.tokens.admin);
    const org = (await api.get('/api/organization')).body.data;
    const model = await api.post('/api/inventory_models', {
      data: { type: 'inventory_models', attributes: { name: 'Cut', stock_locations_cutoff: 11 } },
    });
    expect(model.status).toBe(422); // one above inventory_models_max_stock_locations_cutoff
    const ok = await api.post('/api/inventory_models', {
      data: { type: 'inventory_models', attributes: { name: 'Cut', stock_locations_cutoff: 10 } },
    });
    expect(ok.body.data.meta.organization_id).toBe(org.id);
  });

  it('honours fields[organizations] and refuses other parameters', async () => {
    const api = client(t.app, t.tokens.admin);
    const res = await api.get('/api/organization?fields[organizations]=name,slug');
    expect(res.body.data.attributes).toEqual({ name: 'local', slug: 'local' });
    for (const [url, code] of [
      ['/api/organization?include=markets', 'PARAM_NOT_ALLOWED'],
      ['/api/organization?fields[organizations]=nope', 'INVALID_FIELD'],
      ['/api/organization?page[size]=2', 'PARAM_NOT_ALLOWED'],
    ]) {
      const r = await api.get(url!);
      expect([r.status, r.body.errors[0].code], url).toEqual([400, code]);
    }
    expect((await client(t.app).get('/api/organization')).status).toBe(401);
  });

  it('reads ORGANIZATION_NAME, and the SDK retrieves it', async () => {
    const other = await createTestApp({ ORGANIZATION_NAME: 'The Blue Brand', ORGANIZATION_SLUG: 'blue' });
    try {
      const res = await client(other.app, other.tokens.salesChannel).get('/api/organization');
      expect(res.body.data.attributes).toMatchObject({
        name: 'The Blue Brand',
        slug: 'blue',
        domain: 'blue.allot.localhost',
      });
    } finally {
      await other.close();
    }
    const cl = sdk(await login(await t.application({ name: 'sdk org' })));
    const org = await cl.organization.retrieve();
    expect(org).toMatchObject({ type: 'organizations', name: 'local', slug: 'local', imports_skip_errors: false });
    expect(cl.organization.isOrganization(org)).toBe(true);
  });
});

describe('GET /api/application', () => {
  it('answers type applications, which the SDK recognises', async () => {
    const creds = await t.application({
      name: 'Who am I',
      kind: 'sales_channel',
      role: undefined,
      scope: 'market:code:org-eu',
    });
    const res = await client(t.app, await t.token(creds)).get('/api/application');
    expect(res.body.data).toMatchObject({
      type: 'applications',
      links: { self: 'http://localhost:80/api/application' },
      attributes: {
        name: 'Who am I',
        kind: 'sales_channel',
        public_access: true,
        uid: creds.client_id,
        scopes: 'market:code:org-eu',
      },
    });
    expect(res.body.data.relationships).toEqual({});
    const cl = sdk(await login(await t.application({ name: 'sdk app', role: 'read_only' })));
    const app = await cl.application.retrieve();
    expect(cl.application.isApplication(app)).toBe(true);
    expect(app).toMatchObject({ name: 'sdk app', kind: 'integration', role: 'read_only', public_access: false });
  });
});

describe('/openapi.json', () => {
  it('documents both singletons and the revocation endpoint', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/organization'])).toEqual(['get']);
    expect(doc.paths['/api/application'].get.operationId).toBe('retrieve_application');
    const org = doc.components.schemas.organizations;
    expect(org.properties.type).toEqual({ const: 'organizations' });
    expect(org.properties.attributes.properties.inventory_models_max_stock_locations_cutoff).toMatchObject({
      type: 'integer',
    });
    expect(doc.components.schemas.applications.properties.type).toEqual({ const: 'applications' });
    const revoke = doc.paths['/oauth/revoke'].post;
    expect(revoke.requestBody.content['application/x-www-form-urlencoded'].schema.required).toEqual([
      'token',
      'client_id',
    ]);
  });
});
