import type { ChildProcess } from 'node:child_process';
import { clearStalePidFile, leftoverProcesses } from './pg-process';

/**
 * Keeps the embedded PostgreSQL running. When its postmaster dies (killed by a signal: a crash,
 * SIGKILL, the OOM killer; or exits with an error), it is started again on the same data directory and port: the
 * start runs PostgreSQL's crash recovery, and the pools reconnect on their own (their circuit
 * probes every 100 ms). Before a start, the dead postmaster's other processes are given a moment to
 * notice and exit (PostgreSQL refuses to start while they still hold its shared memory), then
 * killed. A postmaster that keeps dying, or will not start, is retried after a growing pause and
 * given up after MAX_FAILURES in a row. Each event is one log line. A clean exit (code 0) is an
 * orderly shutdown someone asked for (`pg_ctl stop`, another Allot taking the data directory over):
 * it is logged, not fought. A backend's crash is PostgreSQL's own to handle (restart_after_crash).
 */
export interface Launched {
  proc: ChildProcess;
  /** Resolves once PostgreSQL accepts connections; rejects (with its last output) if it exits first. */
  ready: Promise<void>;
}

export interface SupervisorOptions {
  launch: () => Launched;
  /** The cluster's directory (its processes are found by their working directory). */
  dir: string;
  port: number;
  log: (msg: string) => void;
  /** The pause before a start after `failures` failures in a row (default pauseBefore). */
  pauseMs?: (failures: number) => number;
}

export interface Supervisor {
  /** The first start: rejects when PostgreSQL does not come up (no retry). */
  start(): Promise<void>;
  /** The postmaster's pid now (undefined while it is down). */
  pid(): number | undefined;
  /** Stop for good: fast shutdown, immediate after STOP_FAST_MS, SIGKILL after STOP_IMMEDIATE_MS more. */
  stop(): Promise<void>;
}

/** A restarted postmaster that dies again within this counts as a failure for the backoff. */
export const STABLE_MS = 30_000;
export const MAX_FAILURES = 8;
export const MAX_PAUSE_MS = 5_000;
/** How long the dead postmaster's processes get to exit by themselves before they are killed. */
export const LEFTOVER_GRACE_MS = 1_000;
export const STOP_FAST_MS = 1_000;
export const STOP_IMMEDIATE_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const exitOf = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

/** The pause before restart attempt `failures` (0: the first after a postmaster that had been up a while). */
export function pauseBefore(failures: number): number {
  return failures === 0 ? 0 : Math.min(MAX_PAUSE_MS, 250 * 2 ** (failures - 1));
}

export function supervise(o: SupervisorOptions): Supervisor {
  let current: ChildProcess | undefined;
  let upAt = 0;
  let restarts = 0;
  let stopping = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const launch = async () => {
    const { proc, ready } = o.launch();
    current = proc;
    try {
      await ready;
    } catch (e) {
      if (current === proc) current = undefined;
      throw e;
    }
    upAt = Date.now();
    proc.once('exit', (code, signal) => void died(proc, code, signal));
    return proc;
  };

  const died = async (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (stopping || current !== proc) return;
    current = undefined;
    if (code === 0) {
      // an orderly shutdown someone else asked for (pg_ctl stop, another Allot taking the directory over)
      o.log(
        `embedded PostgreSQL (pid ${proc.pid}) was shut down from outside Allot; not restarting it: the API ` +
          'answers 503 until Allot is restarted',
      );
      return;
    }
    const downAt = Date.now();
    if (restarts > 0 && downAt - upAt < STABLE_MS) failures++;
    else failures = 0;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    o.log(`embedded PostgreSQL (pid ${proc.pid}) ${how}; restarting it on port ${o.port} (crash recovery)`);
    while (!stopping) {
      if (failures >= MAX_FAILURES) {
        o.log(
          `embedded PostgreSQL failed ${failures} times in a row; not restarting it again: the API answers 503 ` +
            'until Allot is restarted',
        );
        return;
      }
      const pause = (o.pauseMs ?? pauseBefore)(failures);
      if (pause) {
        o.log(`embedded PostgreSQL: next start in ${pause} ms (${failures} failure(s) in a row)`);
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, pause);
        });
      }
      if (stopping) return;
      await clearLeftovers(o.dir, o.log);
      if (stopping) return;
      clearStalePidFile(o.dir, o.log);
      try {
        const next = await launch();
        restarts++;
        if (stopping) return;
        o.log(`embedded PostgreSQL is back (pid ${next.pid}) ${Date.now() - downAt} ms after it went down`);
        return;
      } catch (e) {
        if (stopping) return;
        failures++;
        const why = String((e as Error).message ?? e)
          .split('\n')
          .filter(Boolean)
          .slice(-1)[0];
        o.log(`embedded PostgreSQL did not start again: ${why}`);
      }
    }
  };

  return {
    start: async () => void (await launch()),
    pid: () => current?.pid,
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      wake?.();
      const proc = current;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = exitOf(proc);
      proc.kill('SIGINT'); // fast shutdown: abort transactions, checkpoint, exit
      if (await Promise.race([gone.then(() => true), sleep(STOP_FAST_MS).then(() => false)])) return;
      o.log(
        `embedded PostgreSQL did not stop within ${STOP_FAST_MS} ms; immediate shutdown (crash recovery at next start)`,
      );
      proc.kill('SIGQUIT');
      if (await Promise.race([gone.then(() => true), sleep(STOP_IMMEDIATE_MS).then(() => false)])) return;
      proc.kill('SIGKILL');
      await gone;
    },
  };
}

/** Wait for a dead postmaster's processes to exit (they notice its death within milliseconds); kill any left. */
async function clearLeftovers(dir: string, log: (m: string) => void): Promise<void> {
  const until = Date.now() + LEFTOVER_GRACE_MS;
  let left = leftoverProcesses(dir);
  while (left.length && Date.now() < until) {
    await sleep(50);
    left = leftoverProcesses(dir);
  }
  if (!left.length) return;
  log(
    `embedded PostgreSQL: ${left.length} process(es) of the dead server still running after ` +
      `${LEFTOVER_GRACE_MS} ms; killing them`,
  );
  for (const pid of left)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  for (let i = 0; i < 40 && leftoverProcesses(dir).length; i++) await sleep(25);
}
