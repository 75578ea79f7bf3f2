import { execFile } from 'node:child_process';
import { chmod, cp, lstat, mkdir, mkdtemp, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/client';
import { EmbeddedStartError, startEmbedded } from '../src/db/embedded';
import { packagedInstall } from '../src/db/pg-placement';

/**
 * A clone in root's home (0700) as a new user's first `npm start` in a container: PostgreSQL runs as
 * the `postgres` user, which can enter neither the clone's node_modules nor its .data. Here the
 * private directory holds a copy of the PostgreSQL build (as the clone's node_modules would) and the
 * data directory; the placement home is a fresh directory instead of /var/lib/allot.
 */
const root = process.getuid?.() === 0;
let priv: string;
let home: string;
let install: string;

beforeAll(async () => {
  if (!root) return;
  priv = await mkdtemp(path.join(os.tmpdir(), 'allot-private-'));
  await chmod(priv, 0o700);
  install = path.join(priv, 'clone', 'node_modules', 'pg');
  await mkdir(path.dirname(install), { recursive: true });
  await cp(packagedInstall(), install, { recursive: true, verbatimSymlinks: true });
  home = await mkdtemp(path.join(os.tmpdir(), 'allot-home-'));
  await chmod(home, 0o755);
});
afterAll(async () => {
  if (!root) return;
  await rm(priv, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe.skipIf(!root)('the embedded PostgreSQL started by root from a private directory', () => {
  it('places binaries and cluster where the postgres user can reach them, says where, and keeps data across \
restarts', async () => {
    expect((await stat(priv)).mode & 0o777).toBe(0o700);
    const dataDir = path.join(priv, 'clone', '.data');
    const said: string[] = [];
    const first = await startEmbedded(dataDir, (m) => said.push(m), { install, rootHome: home });
    try {
      expect(first.dir.startsWith(path.join(home, 'clusters'))).toBe(true);
      expect(said.join('\n')).toContain(`the PostgreSQL cluster lives in ${first.dir}`);
      expect(said.join('\n')).toMatch(new RegExp(`running the copy in ${home}/postgresql-`));
      const db = connect(first.url, 1);
      await db.sql`create table kept (v int)`;
      await db.sql`insert into kept values (42)`;
      await db.close();
    } finally {
      await first.stop();
    }
    // the data directory records where the cluster went: the next start (and `npx allot`) find it
    const link = path.join(dataDir, 'pg');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(first.dir);

    const said2: string[] = [];
    const second = await startEmbedded(dataDir, (m) => said2.push(m), { install, rootHome: home });
    try {
      expect(second.dir).toBe(first.dir);
      expect(said2.join('\n')).not.toContain('initialising');
      const db = connect(second.url, 1);
      expect(await db.sql`select v from kept`).toEqual([{ v: 42 }]);
      await db.close();
    } finally {
      await second.stop();
    }
  });

  it('stops with one sentence naming the cause and the fix when nothing reachable can be made', async () => {
    const blocked = path.join(priv, 'no-home'); // inside the private directory: unreachable for postgres
    const err = await startEmbedded(path.join(priv, 'other', '.data'), () => {}, { install, rootHome: blocked }).then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(EmbeddedStartError);
    expect(err.message).toMatch(/postgres cannot reach .*no-home.*run it as another user, or set DATABASE_URL\.$/);
    expect(err.message).not.toContain('\n');
  });

  it('`npm start` prints that sentence, not a stack trace', async () => {
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: path.join(priv, 'third', '.data'),
        EMBEDDED_PG_HOME: path.join(priv, 'no-home'),
      },
    }).then(
      () => ({ stderr: 'started' }),
      (e) => e,
    );
    expect(stderr).toMatch(/^\[allot\] failed to start: .*set DATABASE_URL\.\n$/);
  });
});
