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
    const fromQuery = (code: string) => Object.assign(new Error(code), { code, query: 'select 1' });
    const pg = (code: string) => Object.assign(new Error(code), { code, severity: 'FATAL' });
    for (const e of [
      { code: 'CONNECTION_CLOSED' },
      fromQuery('ECONNREFUSED'),
      fromQuery('ENOTFOUND'),
      fromQuery('ENOENT'),
      pg('57P01'),
      pg('08006'),
      pg('25006'),
      { cause: pg('53300') },
    ]) {
      const api = translateDbError(Object.assign(new Error('x'), e));
      expect(api?.status, JSON.stringify(e)).toBe(503);
      expect(api?.errors[0]?.code).toBe('SERVICE_UNAVAILABLE');
      expect(api?.headers['retry-after']).toBe('1');
    }
    expect(translateDbError(pg('23505'))?.status).toBe(422);
  });

  it('does not invite a blind retry of a write that may have committed', () => {
    for (const [e, ctx] of [
      [{ code: 'CONNECTION_CLOSED' }, { write: true }],
      [{ code: 'CONNECTION_CLOSED' }, { op: 'create' as const }],
      [{ code: '08007', severity: 'FATAL' }, {}],
    ] as const) {
      const api = translateDbError(Object.assign(new Error('x'), e), ctx);
      expect(api?.status).toBe(503);
      expect(api?.headers['retry-after']).toBeUndefined();
      expect(api?.errors[0]?.detail).toMatch(/may or may not have taken effect/);
    }
  });

  it('leaves errors that are not a lost database alone', () => {
    // a client hanging up mid-upload (no query met it), a protocol violation (a bug, not an outage)
    expect(translateDbError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(translateDbError(Object.assign(new Error('x'), { code: '08P01', severity: 'ERROR' }))).toBeUndefined();
  });

  // reads only: postgres.js 3.4.9 can leave a transaction whose connection is terminated pending for
  // ever (porsager/postgres#1186, #1195), which a write here would run into
  it('answers reads caught by a connection loss with 503, and recovers', async () => {
    const api = client(t.app, t.tokens.admin);
    const killer = connect(t.dbUrl, 1);
    try {
      await killer.sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database()
        and application_name = 'allot' and pid <> pg_backend_pid()`;
      const reads = await Promise.all(Array.from({ length: 20 }, () => api.get('/api/skus')));
      expect(reads.every((r) => r.status === 200 || (r.status === 503 && r.headers['retry-after'] === '1'))).toBe(true);
      await expect.poll(async () => (await api.get('/api/skus')).status).toBe(200);
    } finally {
      await killer.close();
    }
  });
});
