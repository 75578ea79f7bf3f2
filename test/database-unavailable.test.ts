import { describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { translateDbError } from '../src/db/errors';
import type { TestApp } from './helpers/app';
import { client } from './helpers/http';
import { useTestApp } from './helpers/use-app';

/** A database that goes away (restart, failover, network) is a 503 with Retry-After, never a 500. */
let t: TestApp;
useTestApp({}, (s) => ({ t } = s));

describe('when the database is unavailable', () => {
  it('maps lost connections and shutdowns to 503 SERVICE_UNAVAILABLE with Retry-After', () => {
    for (const e of [{ code: 'CONNECTION_CLOSED' }, { code: 'ECONNREFUSED' }, { code: '57P01', severity: 'FATAL' }, { code: '08006', severity: 'FATAL' }, { cause: { code: '53300', severity: 'FATAL' } }]) {
      const api = translateDbError(Object.assign(new Error('x'), e));
      expect(api?.status).toBe(503);
      expect(api?.errors[0]!.code).toBe('SERVICE_UNAVAILABLE');
      expect(api?.headers['retry-after']).toBe('1');
    }
    expect(translateDbError(Object.assign(new Error('x'), { code: '23505', severity: 'ERROR' }))?.status).toBe(422);
  });

  it('answers requests caught by a connection loss with 503, and recovers', async () => {
    const api = client(t.app, t.tokens.admin);
    const killer = connect(t.dbUrl, 1);
    try {
      await killer.sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'allot' and pid <> pg_backend_pid()`;
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => api.get('/api/skus')))).map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      await expect.poll(async () => (await api.get('/api/skus')).status).toBe(200);
    } finally {
      await killer.close();
    }
  });
});
