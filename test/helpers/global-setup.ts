import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/client';
import { startEmbedded } from '../../src/db/embedded';
import { runMigrations } from '../../src/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

/**
 * One PostgreSQL server per test run (embedded, or DATABASE_URL's server), migrations applied once
 * to a template database; each test file clones it with CREATE DATABASE … TEMPLATE (docs/design.md#test-database).
 */
export default async function setup(project: TestProject) {
  const dir = process.env.DATABASE_URL ? undefined : await mkdtemp(path.join(os.tmpdir(), 'allot-test-'));
  const server = dir ? await startEmbedded(dir) : undefined;
  const adminUrl = server?.url ?? process.env.DATABASE_URL!;
  const templateDb = `allot_template_${process.pid}`;
  const admin = connect(adminUrl, 1);
  await admin.sql.unsafe(`drop database if exists ${templateDb}`);
  await admin.sql.unsafe(`create database ${templateDb}`);
  const template = connect(withDb(adminUrl, templateDb), 2);
  await runMigrations(template);
  await template.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', templateDb);
  return async () => {
    await admin.sql.unsafe(`drop database if exists ${templateDb} with (force)`).catch(() => {});
    await admin.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
