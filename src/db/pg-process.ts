import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

export class EmbeddedStartError extends Error {}

/** A PostgreSQL cluster's postmaster, found through its `postmaster.pid`: alive, ours, or left over by a killed run. */
export function readPidFile(dir: string): { pid: number; port: number } | undefined {
  const file = path.join(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}

/**
 * The PostgreSQL processes still running in cluster `dir` (found by their working directory, which
 * PostgreSQL sets to the cluster's): after a postmaster's death, the backends and helpers it leaves.
 * Empty where there is no /proc.
 */
export function leftoverProcesses(dir: string): number[] {
  let real: string;
  let entries: string[];
  try {
    real = realpathSync(dir);
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${e}/cwd`) === real && readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('postgres'))
        out.push(Number(e));
    } catch {} // gone meanwhile, or not ours to see
  }
  return out;
}

/**
 * A `postmaster.pid` whose pid now belongs to a program other than PostgreSQL (reused after a crash
 * or a container restart) would make PostgreSQL refuse to start when that program runs as its user:
 * remove it. One naming a dead process is left to PostgreSQL, which checks its shared memory first.
 */
export function clearStalePidFile(dir: string, log: (msg: string) => void): void {
  const info = readPidFile(dir);
  if (!info || !isAlive(info.pid) || isPostgres(info.pid)) return;
  log(`removing the stale ${path.join(dir, 'postmaster.pid')}: pid ${info.pid} is another program now`);
  rmSync(path.join(dir, 'postmaster.pid'), { force: true });
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
export async function recoverOrphan(dir: string, log: (msg: string) => void): Promise<void> {
  const info = readPidFile(dir);
  if (!info || !isAlive(info.pid)) return;
  if (!isPostgres(info.pid)) return clearStalePidFile(dir, log);
  log(`embedded PostgreSQL from a previous run is still running (pid ${info.pid}); shutting it down`);
  process.kill(info.pid, 'SIGINT'); // fast shutdown: aborts its transactions, keeps data consistent
  if (await waitForExit(info.pid, 15_000)) return;
  throw new EmbeddedStartError(
    `PostgreSQL process ${info.pid} still holds ${dir} after 15 s. Stop it (kill ${info.pid}) or ` +
      `remove that process, then start again.`,
  );
}
