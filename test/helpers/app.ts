import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../src/app';
import { type ApplicationSpec, upsertApplication } from '../../src/auth/applications';
import { type Config, loadConfig } from '../../src/config';
import { connect, type Database } from '../../src/db/client';
import { withDb } from './global-setup';

export interface Credentials {
  client_id: string;
  client_secret?: string;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  dbUrl: string;
  /** Create an application and return its credentials. */
  application(spec: Partial<ApplicationSpec>): Promise<Credentials>;
  /** A bearer token through /oauth/token. */
  token(c: Credentials, scope?: string): Promise<string>;
  /** Tokens of the usual callers. */
  tokens: { admin: string; readOnly: string; live: string; salesChannel: string };
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template, and an app on it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = connect(inject('pgAdminUrl'), 1);
  const name = `allot_t_${randomBytes(6).toString('hex')}`;
  await admin.sql.unsafe(`create database ${name} template ${inject('templateDb')}`);
  await admin.close();
  return {
    url: withDb(inject('pgAdminUrl'), name),
    drop: async () => {
      const a = connect(inject('pgAdminUrl'), 1);
      await a.sql.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.close();
    },
  };
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const tdb = await createTestDatabase();
  const config = loadConfig({ RATE_LIMITS: 'off', ...env, DATABASE_URL: tdb.url });
  const database = connect(tdb.url, 8);
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  const application = async (spec: Partial<ApplicationSpec>) => {
    const r = await upsertApplication(database.db, {
      name: 'test',
      kind: 'integration',
      role: 'admin',
      mode: 'test',
      ...spec,
    } as ApplicationSpec);
    return { client_id: r.client_id, client_secret: r.client_secret };
  };
  const token = async (c: Credentials, scope?: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: { grant_type: 'client_credentials', ...c, ...(scope ? { scope } : {}) },
    });
    if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
    return res.json().access_token as string;
  };
  const [admin, readOnly, live, salesChannel] = await Promise.all([
    application({}).then((c) => token(c)),
    application({ role: 'read_only' }).then((c) => token(c)),
    application({ mode: 'live' }).then((c) => token(c)),
    application({ kind: 'sales_channel', role: undefined }).then((c) => token(c)),
  ]);
  return {
    app,
    database,
    config,
    dbUrl: tdb.url,
    application,
    token,
    tokens: { admin, readOnly, live, salesChannel },
    close: async () => {
      await app.close();
      await database.close();
      await tdb.drop();
    },
  };
}
