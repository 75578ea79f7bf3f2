import { describe, expect, it } from 'vitest';
import type { TestApp } from './helpers/app';
import { type Client, client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/** docs/wire-format.md#versions: every write leaves a version with its changes and who made it. */
let t: TestApp;
let api: Client;
useTestApp({}, (s) => ({ t, api } = s));

describe('versions', () => {
  it('create, update and destroy of an inventory model, readable under the model and in /api/versions', async () => {
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'V1' }))).body.data.id;
    await api.patch(
      `/api/inventory_models/${id}`,
      doc('inventory_models', { name: 'V2', stock_locations_cutoff: 3 }, {}, id),
    );
    // no change: no version
    await api.patch(`/api/inventory_models/${id}`, doc('inventory_models', { name: 'V2' }, {}, id));
    const list = (await api.get(`/api/inventory_models/${id}/versions?sort=created_at`)).body.data;
    expect(list.map((v: any) => [v.attributes.event, v.attributes.changes])).toEqual([
      ['create', { name: [null, 'V1'] }],
      ['update', { name: ['V1', 'V2'], stock_locations_cutoff: [2, 3] }],
    ]);
    expect(list[0].attributes.who.application.kind).toBe('integration');
    await api.delete(`/api/inventory_models/${id}`);
    const all = (await api.get(`/api/versions?filter[q][resource_id_eq]=${id}&sort=created_at`)).body.data;
    expect(all.map((v: any) => v.attributes.event)).toEqual(['create', 'update', 'destroy']);
    expect((await api.post('/api/versions', doc('versions', { event: 'x' }))).status).toBe(405);
    expect((await client(t.app, t.tokens.salesChannel).get('/api/versions')).status).toBe(401);
  });
});
