import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { applications } from '../db/schema/auth';
import { newId, newSecret } from '../lib/ids';
import type { Kind, Mode, Role } from './context';
import { hashSecret, verifySecret } from './secrets';

export interface ApplicationSpec {
  name: string;
  kind: Kind;
  role?: Role;
  mode: Mode;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

export type ApplicationRow = typeof applications.$inferSelect;

export class ApplicationSpecError extends Error {}

export function checkSpec(s: unknown, where: string): ApplicationSpec {
  const o = s as Record<string, unknown>;
  const fail = (m: string) => {
    throw new ApplicationSpecError(`${where}: ${m}`);
  };
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('each application must be an object');
  if (typeof o.name !== 'string' || !o.name) fail('"name" is required');
  if (o.kind !== 'integration' && o.kind !== 'sales_channel') fail('"kind" must be "integration" or "sales_channel"');
  if (o.mode !== 'test' && o.mode !== 'live') fail('"mode" must be "test" or "live"');
  if (o.kind === 'integration' && o.role !== undefined && o.role !== 'admin' && o.role !== 'read_only')
    fail('"role" must be "admin" or "read_only"');
  if (o.kind === 'sales_channel' && o.role !== undefined) fail('sales_channel applications have no role');
  for (const k of ['client_id', 'client_secret', 'scope'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'string') fail(`"${k}" must be a string`);
  if (o.client_id !== undefined && (o.client_id as string).length < 8)
    fail('"client_id" must have at least 8 characters');
  if (o.kind === 'integration' && o.client_secret !== undefined && (o.client_secret as string).length < 16)
    fail('"client_secret" must have at least 16 characters');
  if (o.kind === 'sales_channel' && o.client_secret !== undefined)
    fail('sales_channel applications have no client_secret');
  return {
    ...(o as unknown as ApplicationSpec),
    role: o.kind === 'integration' ? ((o.role as Role) ?? 'admin') : undefined,
  };
}

/** Create (or, for a known client_id, update) an application; returns the credentials in clear once. */
export async function upsertApplication(db: Db, spec: ApplicationSpec) {
  const client_id = spec.client_id ?? newSecret();
  const client_secret = spec.kind === 'integration' ? (spec.client_secret ?? newSecret()) : undefined;
  const values = {
    name: spec.name,
    kind: spec.kind,
    role: spec.kind === 'integration' ? (spec.role ?? 'admin') : null,
    mode: spec.mode,
    scope: spec.scope ?? null,
    client_secret_hash: client_secret ? await hashSecret(client_secret) : null,
  };
  const [row] = await db
    .insert(applications)
    .values({ id: newId(), client_id, ...values })
    .onConflictDoUpdate({ target: applications.client_id, set: { ...values, updated_at: sql`now()` } })
    .returning();
  return { application: row!, client_id, client_secret };
}

/** APPLICATIONS_FILE: a JSON array of application specs, upserted at every start. */
export async function upsertFromFile(db: Db, file: string): Promise<number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ApplicationSpecError(`APPLICATIONS_FILE ${file}: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ApplicationSpecError(`APPLICATIONS_FILE ${file}: must be a JSON array`);
  const specs = parsed.map((s, i) => checkSpec(s, `APPLICATIONS_FILE ${file} [${i}]`));
  for (const s of specs) {
    if (!s.client_id)
      throw new ApplicationSpecError(
        `APPLICATIONS_FILE ${file}: every entry needs a client_id so that restarts keep it`,
      );
    if (s.kind === 'integration' && !s.client_secret)
      throw new ApplicationSpecError(`APPLICATIONS_FILE ${file}: integration "${s.name}" needs a client_secret`);
  }
  await db.transaction(async (tx) => {
    for (const s of specs) await upsertApplication(tx as unknown as Db, s);
  });
  return specs.length;
}

/** When no application exists, create an integration admin in test mode and hand back its credentials. */
export async function bootstrapApplication(db: Db) {
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(applications)) as [{ n: number }];
  if (n > 0) return undefined;
  return upsertApplication(db, {
    name: 'Default integration (test)',
    kind: 'integration',
    role: 'admin',
    mode: 'test',
  });
}

export async function findByClientId(db: Db, clientId: string): Promise<ApplicationRow | undefined> {
  const rows = await db.select().from(applications).where(eq(applications.client_id, clientId)).limit(1);
  return rows[0];
}

/** Check client credentials; integration apps need their secret, sales channels only their id. */
export async function authenticateClient(
  db: Db,
  clientId: string,
  secret: string | undefined,
): Promise<ApplicationRow | undefined> {
  const app = await findByClientId(db, clientId);
  if (!app) return undefined;
  if (app.kind === 'integration') {
    if (!secret || !app.client_secret_hash || !(await verifySecret(secret, app.client_secret_hash))) return undefined;
  }
  return app;
}
