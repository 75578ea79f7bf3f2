import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { createTestApp, type TestApp } from './helpers/app';
import { client } from './helpers/http';

// Links behind a TLS-terminating proxy: X-Forwarded-Proto/-Host count only from a trusted proxy
// (TRUST_PROXY, Fastify's trustProxy); PUBLIC_URL, when set, wins over both.
const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'local.shop.example' };

async function linksOf(t: TestApp, headers: Record<string, string> = forwarded) {
  const api = client(t.app, t.tokens.admin);
  for (const name of ['Proxy A', 'Proxy B'])
    await api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name } } });
  const list = await api.call({ method: 'GET', url: '/api/inventory_models?page[size]=1', headers });
  const one = list.body.data[0];
  const single = await api.call({ method: 'GET', url: `/api/inventory_models/${one.id}`, headers });
  const app = await api.call({ method: 'GET', url: '/api/application', headers });
  return {
    self: single.body.data.links.self as string,
    related: single.body.data.relationships.inventory_stock_locations.links.related as string,
    next: list.body.links.next as string,
    application: app.body.data.links.self as string,
    id: one.id as string,
  };
}

describe('links behind a proxy', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  };
  afterAll(() => Promise.all(apps.map((t) => t.close())));
  let trusted: TestApp;
  beforeAll(async () => {
    trusted = await start({ TRUST_PROXY: '127.0.0.1' }); // inject() comes from 127.0.0.1
  });

  it('take scheme and host from a trusted proxy, in self, related, pagination and singleton links', async () => {
    const l = await linksOf(trusted);
    expect(l.self).toBe(`https://local.shop.example/api/inventory_models/${l.id}`);
    expect(l.related).toBe(`https://local.shop.example/api/inventory_models/${l.id}/inventory_stock_locations`);
    expect(l.next).toMatch(/^https:\/\/local\.shop\.example\/api\/inventory_models\?/);
    expect(l.application).toBe('https://local.shop.example/api/application');
  });

  it('ignore the headers by default and from a proxy that is not trusted', async () => {
    const envs: Record<string, string>[] = [{}, { TRUST_PROXY: '10.1.2.3,192.168.0.0/16' }, { TRUST_PROXY: 'off' }];
    for (const env of envs) {
      const l = await linksOf(await start(env));
      expect(l.self, JSON.stringify(env)).toBe(`http://localhost:80/api/inventory_models/${l.id}`);
    }
  });

  it('trust a hop count, true, or the loopback range', async () => {
    for (const TRUST_PROXY of ['1', 'true', 'loopback']) {
      const l = await linksOf(await start({ TRUST_PROXY }));
      expect(l.self, TRUST_PROXY).toMatch(/^https:\/\/local\.shop\.example\//);
    }
  });

  it('yield to PUBLIC_URL', async () => {
    const t = await start({ TRUST_PROXY: 'true', PUBLIC_URL: 'https://api.example.com/' });
    const l = await linksOf(t);
    expect(l.self).toBe(`https://api.example.com/api/inventory_models/${l.id}`);
    expect(l.next).toMatch(/^https:\/\/api\.example\.com\/api\/inventory_models\?/);
  });

  it('keep the plain host when a trusted proxy sends no forwarding headers', async () => {
    const l = await linksOf(trusted, {});
    expect(l.self).toBe(`http://localhost:80/api/inventory_models/${l.id}`);
  });
});

describe('TRUST_PROXY', () => {
  const parse = (v: string) => loadConfig({ TRUST_PROXY: v }).trustProxy;
  it('reads off, on, hop counts and address lists', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect([parse('off'), parse('false'), parse('0'), parse('')]).toEqual([false, false, false, false]);
    expect([parse('on'), parse('TRUE')]).toEqual([true, true]);
    const hops = parse('2') as (a: string, i: number) => boolean;
    expect([hops('x', 0), hops('x', 1), hops('x', 2)]).toEqual([true, true, false]);
    expect(parse(' 127.0.0.1, ::1 ,10.0.0.0/8,loopback')).toBe('127.0.0.1,::1,10.0.0.0/8,loopback');
  });

  it('refuses anything else at start', () => {
    for (const v of ['yes please', 'example.com', '10.0.0.0/8;rm']) expect(() => parse(v), v).toThrow(ConfigError);
  });
});
