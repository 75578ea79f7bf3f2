import { afterAll, beforeAll, it } from 'vitest';
import { Writable } from 'node:stream';
import { createTestDatabase } from './helpers/app';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connect } from '../src/db/client';
import { upsertApplication } from '../src/auth/applications';
import { client } from './helpers/http';
const logs: any[] = [];
it('probe', async () => {
  const tdb = await createTestDatabase();
  const config = loadConfig({ RATE_LIMITS: 'off', DATABASE_URL: tdb.url });
  const database = connect(tdb.url, 4);
  const stream = new Writable({ write(c, _e, cb) { logs.push(JSON.parse(c.toString())); cb(); } });
  const app = await buildApp({ config, database, logger: { level: 'error', stream } });
  await app.ready();
  const c = await upsertApplication(database.db, { name: 'x', kind: 'integration', role: 'admin', mode: 'test' } as any);
  const tok = (await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret } })).json().access_token;
  const api = client(app, tok);
  await api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name: 'seed', metadata: { a: 1 } } } });
  const deep = (n: number) => '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}';
  const cases: Array<[string, () => Promise<any>]> = [
    ['toString attr', () => api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name: 'x', toString: 1 } } })],
    ['jcont deep 1000', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent(deep(1000)))],
    ['jcont deep 3000', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent(deep(3000)))],
    ['jcont deep 5000', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent(deep(5000)))],
    ['matches backslash', () => api.get('/api/inventory_models?filter[q][name_matches]=' + encodeURIComponent('a\\'))],
    ['metadata deep 300000', () => api.post('/api/inventory_models', '{"data":{"type":"inventory_models","attributes":{"name":"x","metadata":{"a":' + '['.repeat(300000) + ']'.repeat(300000) + '}}}}')],
    ['metadata deep 5000', () => api.post('/api/inventory_models', '{"data":{"type":"inventory_models","attributes":{"name":"x","metadata":{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}}}}')],
    ['host weird', () => api.call({ method: 'GET', url: '/api/inventory_models', headers: { host: 'a b' } })],
  ];
  for (const [n, f] of cases) {
    logs.length = 0;
    try { const r = await f(); console.log(n, r.status, r.headers['content-type'], JSON.stringify(r.body).slice(0, 300), '\nLOG', JSON.stringify(logs.map((l) => ({ msg: l.msg, err: l.err && { type: l.err.type, message: l.err.message, code: l.err.code, stack: l.err.stack?.split('\n').slice(0, 4).join(' | ') } }))).slice(0, 900)); } catch (e) { console.log(n, 'THREW', e); }
  }
  await app.close(); await database.close(); await tdb.drop();
});
