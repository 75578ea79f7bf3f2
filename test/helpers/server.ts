import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/db/embedded';

// import.meta, not __dirname: the benches load this file as an ES module
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The arguments `npm start` gives node (package.json), so tests and benches run the server as users do. */
export const NPM_START_ARGS: string[] = (() => {
  const script: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const [node, ...args] = script.split(/\s+/);
  if (node !== 'node') throw new Error(`npm start runs ${node}, not node: ${script}`);
  return args;
})();

/**
 * The server in a child process as `npm start` runs it, with `env` over this process's; `ready`
 * resolves with its output once it logs "ready on".
 */
export function spawnServer(env: Record<string, string>): { proc: ChildProcess; ready: Promise<string> } {
  const proc = spawn(process.execPath, NPM_START_ARGS, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready on')) resolve(out);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { proc, ready };
}

/** The exit code, once the process has exited. */
export const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.on('exit', (c) => r(c))));

export interface ServerProcess {
  proc: ChildProcess;
  /** `http://127.0.0.1:{port}` */
  url: string;
}

/** A second server process on the test database at `dbUrl`, once it is ready. */
export async function startServerProcess(dbUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const { proc, ready } = spawnServer({
    DATABASE_URL: dbUrl,
    PORT: String(port),
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    WORKERS: '1',
    // its warm start opens every connection of the pool: the test PostgreSQL is shared (max_connections 200)
    DB_POOL_SIZE: '10',
    ...env,
  });
  await ready;
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** SIGTERM, and wait for the exit. */
export async function stopServerProcess(proc: ChildProcess | undefined) {
  if (!proc) return;
  proc.kill('SIGTERM');
  await exited(proc);
}
