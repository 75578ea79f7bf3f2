import { describe, expect, it } from 'vitest';
import { type Client, doc } from './helpers/http';
import { useTestApp } from './helpers/use-app';

let api: Client;
useTestApp({}, (s) => ({ api } = s));

describe('inventory_models create', () => {
  it('answers the seed request with 201 in the seed response shape', async () => {
    const res = await api.post('/api/inventory_models', {
      data: { type: 'inventory_models', attributes: { name: 'EU Inventory Model' }, relationships: {} },
    });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toContain('application/vnd.api+json');
    const d = res.body.data;
    expect(d.id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(d.type).toBe('inventory_models');
    expect(d.links.self).toBe(`http://localhost:80/api/inventory_models/${d.id}`);
    expect(d.attributes).toEqual({
      name: 'EU Inventory Model',
      strategy: 'no_split',
      stock_locations_cutoff: 2,
      stock_reservation_cutoff: 3600,
      put_stock_transfers_on_hold: false,
      manual_stock_decrement: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      reference: null,
      reference_origin: null,
      metadata: {},
    });
    expect(d.relationships.stock_levels.links).toEqual({
      self: `${d.links.self}/relationships/stock_levels`,
      related: `${d.links.self}/stock_levels`,
    });
    expect(d.relationships.inventory_stock_locations.data).toBeUndefined();
    expect(d.meta.mode).toBe('test');
  });

  it('stores every attribute it accepts', async () => {
    const attrs = {
      name: 'All',
      strategy: 'ship_from_primary',
      stock_locations_cutoff: 10,
      stock_reservation_cutoff: 1,
      put_stock_transfers_on_hold: true,
      manual_stock_decrement: true,
      reference: 'ERP-1',
      reference_origin: 'erp',
      metadata: { foo: 'bar', n: [1, 2] },
    };
    const res = await api.post('/api/inventory_models', doc('inventory_models', attrs));
    expect(res.status).toBe(201);
    const got = await api.get(`/api/inventory_models/${res.body.data.id}`);
    expect(got.body.data.attributes).toMatchObject(attrs);
  });

  it.each([
    ['strategy', 'fastest', 'inclusion'],
    ['stock_locations_cutoff', 0, 'greater_than_or_equal_to'],
    ['stock_locations_cutoff', 11, 'less_than_or_equal_to'],
    ['stock_locations_cutoff', 2.5, 'not_an_integer'],
    ['stock_locations_cutoff', 'three', 'not_a_number'],
    ['stock_reservation_cutoff', 0, 'greater_than'],
    ['stock_reservation_cutoff', 1e20, 'less_than_or_equal_to'],
    ['put_stock_transfers_on_hold', 'yes', 'inclusion'],
    ['metadata', [1], 'invalid'],
    ['name', '', 'blank'],
    ['name', 'a\u0000b', 'invalid'],
  ])('rejects %s = %j with 422 %s and a pointer', async (attribute, value, error) => {
    const res = await api.post('/api/inventory_models', doc('inventory_models', { name: 'X', [attribute]: value }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: '422',
      source: { pointer: `/data/attributes/${attribute}` },
      meta: { error },
    });
    expect(res.body.errors[0].detail).toMatch(new RegExp(`^${attribute} - `));
  });

  it('lists every problem of a document in one 422', async () => {
    const res = await api.post(
      '/api/inventory_models',
      doc('inventory_models', { strategy: 'x', stock_locations_cutoff: 99 }),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.source.pointer).sort()).toEqual([
      '/data/attributes/name',
      '/data/attributes/stock_locations_cutoff',
      '/data/attributes/strategy',
    ]);
  });

  it('refuses unknown and read-only attributes with 400 PARAM_NOT_ALLOWED', async () => {
    for (const attrs of [
      { name: 'x', colour: 'red' },
      { name: 'x', created_at: '2020-01-01T00:00:00Z' },
      { name: 'x', id: 'abc' },
    ]) {
      const res = await api.post('/api/inventory_models', doc('inventory_models', attrs));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('PARAM_NOT_ALLOWED');
      expect(res.body.errors[0].source.pointer).toMatch(/^\/data\/attributes\//);
    }
  });

  it('refuses a client-generated id, a wrong type and a missing data member', async () => {
    expect(
      (await api.post('/api/inventory_models', doc('inventory_models', { name: 'x' }, {}, 'abc'))).body.errors[0].code,
    ).toBe('PARAM_NOT_ALLOWED');
    expect((await api.post('/api/inventory_models', doc('markets', { name: 'x' }))).body.errors[0].code).toBe(
      'TYPE_MISMATCH',
    );
    expect((await api.post('/api/inventory_models', { name: 'x' })).body.errors[0].code).toBe('PARAM_MISSING');
  });
});

describe('inventory_models update and delete', () => {
  it('updates attributes, replaces metadata, and moves updated_at', async () => {
    const c = await api.post(
      '/api/inventory_models',
      doc('inventory_models', { name: 'Old', metadata: { a: 1, b: 2 } }),
    );
    const id = c.body.data.id;
    await new Promise((r) => setTimeout(r, 5));
    const u = await api.patch(
      `/api/inventory_models/${id}`,
      doc('inventory_models', { name: 'New', stock_locations_cutoff: 3, metadata: { c: 3 } }, {}, id),
    );
    expect(u.status).toBe(200);
    expect(u.body.data.attributes).toMatchObject({
      name: 'New',
      stock_locations_cutoff: 3,
      strategy: 'no_split',
      metadata: { c: 3 },
    });
    expect(u.body.data.attributes.updated_at > c.body.data.attributes.updated_at).toBe(true);
    expect(u.body.data.attributes.created_at).toBe(c.body.data.attributes.created_at);
  });

  it('400s on an id or type that does not match the URL, and writes nothing', async () => {
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'Keep' }))).body.data.id;
    const wrongId = await api.patch(
      `/api/inventory_models/${id}`,
      doc('inventory_models', { name: 'Changed' }, {}, 'other'),
    );
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.errors[0].code).toBe('KEY_NOT_INCLUDED_IN_URL');
    const wrongType = await api.patch(`/api/inventory_models/${id}`, doc('skus', { name: 'Changed' }, {}, id));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].code).toBe('TYPE_MISMATCH');
    expect((await api.get(`/api/inventory_models/${id}`)).body.data.attributes.name).toBe('Keep');
  });

  it('a failed validation on update leaves the record as it was', async () => {
    const id = (
      await api.post('/api/inventory_models', doc('inventory_models', { name: 'Stable', stock_locations_cutoff: 4 }))
    ).body.data.id;
    const res = await api.patch(
      `/api/inventory_models/${id}`,
      doc('inventory_models', { name: 'Broken', stock_locations_cutoff: 0 }, {}, id),
    );
    expect(res.status).toBe(422);
    expect((await api.get(`/api/inventory_models/${id}`)).body.data.attributes).toMatchObject({
      name: 'Stable',
      stock_locations_cutoff: 4,
    });
  });

  it('deletes with 204 and then answers 404', async () => {
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'Gone' }))).body.data.id;
    const del = await api.delete(`/api/inventory_models/${id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const again = await api.get(`/api/inventory_models/${id}`);
    expect(again.status).toBe(404);
    expect(again.body.errors[0]).toEqual({
      title: 'Record not found',
      detail: 'The requested resource was not found. Please double-check the resource id.',
      code: 'RECORD_NOT_FOUND',
      status: '404',
    });
    expect((await api.delete(`/api/inventory_models/${id}`)).status).toBe(404);
    expect((await api.patch(`/api/inventory_models/${id}`, doc('inventory_models', {}, {}, id))).status).toBe(404);
  });
});

describe('inventory_models relationships', () => {
  it('advertises stock locations and answers empty collections until they exist', async () => {
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'Rel' }))).body.data.id;
    for (const rel of ['inventory_stock_locations', 'inventory_return_locations', 'stock_levels']) {
      const res = await api.get(`/api/inventory_models/${id}/${rel}`);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
      expect(res.body.meta).toEqual({ record_count: 0, page_count: 0 });
      const linkage = await api.get(`/api/inventory_models/${id}/relationships/${rel}`);
      expect(linkage.body.data).toEqual([]);
    }
    const inc = await api.get(`/api/inventory_models/${id}?include=stock_levels,inventory_return_locations`);
    expect(inc.body.data.relationships.stock_levels.data).toEqual([]);
    expect(inc.body.data.relationships.inventory_return_locations.data).toEqual([]);
    expect(inc.body.data.relationships.inventory_stock_locations.data).toBeUndefined();
    expect(inc.body.included).toEqual([]);
  });

  it('404s related endpoints of a missing parent and unknown relationships', async () => {
    expect((await api.get('/api/inventory_models/nope/stock_levels')).status).toBe(404);
    const id = (await api.post('/api/inventory_models', doc('inventory_models', { name: 'R2' }))).body.data.id;
    expect((await api.get(`/api/inventory_models/${id}/markets`)).status).toBe(404);
  });

  it('refuses an unknown include with 400 INVALID_INCLUDE', async () => {
    const res = await api.get('/api/inventory_models?include=markets');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('INVALID_INCLUDE');
  });
});
