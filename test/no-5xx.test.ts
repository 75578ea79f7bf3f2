import { afterAll, beforeAll, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app';
import { client, type Client } from './helpers/http';
let t: TestApp; let api: Client;
beforeAll(async () => { t = await createTestApp(); api = client(t.app, t.tokens.admin); });
afterAll(() => t.close());
it('probe', async () => {
  const deep = (n: number) => '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}';
  const cases: Array<[string, () => Promise<any>]> = [
    ['toString attr', () => api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name: 'x', toString: 1 } } })],
    ['constructor attr', () => api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name: 'x', constructor: 1 } } })],
    ['include=constructor', () => api.get('/api/inventory_models?include=constructor')],
    ['include=__proto__', () => api.get('/api/inventory_models?include=__proto__')],
    ['fields=constructor', () => api.get('/api/inventory_models?fields[inventory_models]=constructor')],
    ['jcont deep 5000', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent(deep(5000)))],
    ['jcont deep 100000', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent(deep(100000)))],
    ['jcont nul', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent('{"a":"\\u0000"}'))],
    ['jcont surrogate', () => api.get('/api/inventory_models?filter[q][metadata_jcont]=' + encodeURIComponent('{"a":"\\ud800"}'))],
    ['matches backslash', () => api.get('/api/inventory_models?filter[q][name_matches]=' + encodeURIComponent('a\\'))],
    ['metadata deep 300000', () => api.post('/api/inventory_models', '{"data":{"type":"inventory_models","attributes":{"name":"x","metadata":{"a":' + '['.repeat(300000) + ']'.repeat(300000) + '}}}}')],
    ['metadata deep 70', () => api.post('/api/inventory_models', '{"data":{"type":"inventory_models","attributes":{"name":"x","metadata":{"a":' + '['.repeat(70) + ']'.repeat(70) + '}}}}')],
    ['host weird', () => api.call({ method: 'GET', url: '/api/inventory_models', headers: { host: 'a b' } })],
    ['name huge', () => api.post('/api/inventory_models', { data: { type: 'inventory_models', attributes: { name: Array.from({length: 20000}, () => String.fromCharCode(33 + Math.floor(Math.random()*90))).join('') } } })],
  ];
  for (const [n, f] of cases) {
    try { const r = await f(); console.log(n, r.status, JSON.stringify(r.body).slice(0, 300)); } catch (e) { console.log(n, 'THREW', e); }
  }
});
