import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearStalePidFile, leftoverProcesses } from './pg-process';
import { LEFTOVER_GRACE_MS, MAX_FAILURES, pauseBefore, STOP_FAST_MS, supervise } from './supervise';

/**
 * The supervisor's decisions, on stand-in postmasters (test/supervise.test.ts kills a real one under
 * load): restart after a death, a growing pause and then giving up when it keeps dying, no fight
 * over an orderly shutdown, and a stop that escalates when PostgreSQL does not exit.
 */
class FakePostmaster extends EventEmitter {
  static next = 1000;
  pid = FakePostmaster.next++;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  signals: string[] = [];
  constructor(private obeys: (s: NodeJS.Signals) => boolean = () => true) {
    super();
  }
  kill(signal: NodeJS.Signals = 'SIGTERM') {
    this.signals.push(signal);
    if (this.obeys(signal))
      setImmediate(() => this.exit(signal === 'SIGINT' ? 0 : null, signal === 'SIGINT' ? null : signal));
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null) {
    if (this.exitCode !== null || this.signalCode !== null) return;
    [this.exitCode, this.signalCode] = [code, signal];
    this.emit('exit', code, signal);
  }
}

function harness(opts: { failStarts?: number; obeys?: (s: NodeJS.Signals) => boolean; dir?: string } = {}) {
  const procs: FakePostmaster[] = [];
  const log: string[] = [];
  const pauses: number[] = [];
  let failStarts = opts.failStarts ?? 0;
  const sup = supervise({
    dir: opts.dir ?? '/nonexistent/allot-supervise-test',
    port: 5999,
    log: (m) => log.push(m),
    pauseMs: (n) => {
      pauses.push(pauseBefore(n));
      return 0;
    },
    launch: () => {
      const proc = new FakePostmaster(opts.obeys);
      procs.push(proc);
      const fail = procs.length > 1 && failStarts-- > 0;
      const ready = fail
        ? new Promise<void>((_, reject) =>
            setImmediate(() => {
              proc.exit(1, null);
              reject(new Error('FATAL:  no'));
            }),
          )
        : Promise.resolve();
      return { proc: proc as unknown as ChildProcess, ready };
    },
  });
  return { sup, procs, log, pauses };
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('supervise', () => {
  it('starts a postmaster killed by a signal again, and says so', async () => {
    const { sup, procs, log } = harness();
    await sup.start();
    const first = procs[0]!;
    expect(sup.pid()).toBe(first.pid);
    first.exit(null, 'SIGKILL');
    await settle();
    expect(procs).toHaveLength(2);
    expect(sup.pid()).toBe(procs[1]!.pid);
    expect(log[0]).toBe(`embedded PostgreSQL (pid ${first.pid}) was killed by SIGKILL; restarting it on port 5999 \
(crash recovery)`);
    expect(log[1]).toMatch(new RegExp(`^embedded PostgreSQL is back \\(pid ${procs[1]!.pid}\\) \\d+ ms after`));
    await sup.stop();
  });

  it('pauses longer after each failure in a row and gives up after MAX_FAILURES', async () => {
    const { sup, procs, log, pauses } = harness({ failStarts: 100 });
    await sup.start();
    procs[0]!.exit(2, null);
    for (let i = 0; i < 5 && procs.length <= MAX_FAILURES; i++) await settle();
    expect(procs).toHaveLength(1 + MAX_FAILURES);
    expect(pauses).toEqual(Array.from({ length: MAX_FAILURES }, (_, i) => pauseBefore(i)));
    expect(pauses[1]).toBeGreaterThan(0);
    expect(pauses.at(-1)).toBeGreaterThan(pauses[1]!);
    expect(log[0]).toMatch(/exited with code 2; restarting it/);
    expect(log.filter((l) => l.includes('did not start again: FATAL:  no'))).toHaveLength(MAX_FAILURES);
    expect(log.at(-1)).toBe(
      `embedded PostgreSQL failed ${MAX_FAILURES} times in a row; not restarting it again: the API answers 503 until \
Allot is restarted`,
    );
    await settle();
    expect(procs).toHaveLength(1 + MAX_FAILURES);
    expect(sup.pid()).toBeUndefined();
  });

  it('does not fight an orderly shutdown asked from outside', async () => {
    const { sup, procs, log } = harness();
    await sup.start();
    procs[0]!.exit(0, null);
    await settle();
    expect(procs).toHaveLength(1);
    expect(log).toEqual([
      `embedded PostgreSQL (pid ${procs[0]!.pid}) was shut down from outside Allot; not restarting it: the API \
answers 503 until Allot is restarted`,
    ]);
  });

  it('stops with a fast shutdown, and escalates when PostgreSQL does not exit', async () => {
    const polite = harness();
    await polite.sup.start();
    await polite.sup.stop();
    expect(polite.procs[0]!.signals).toEqual(['SIGINT']);
    expect(polite.log).toEqual([]); // a stop is no death

    const stuck = harness({ obeys: (s) => s === 'SIGKILL' });
    await stuck.sup.start();
    const t = performance.now();
    await stuck.sup.stop();
    expect(stuck.procs[0]!.signals).toEqual(['SIGINT', 'SIGQUIT', 'SIGKILL']);
    expect(performance.now() - t).toBeGreaterThanOrEqual(STOP_FAST_MS - 50);
    expect(performance.now() - t).toBeLessThan(4_000);
    expect(stuck.procs).toHaveLength(1);
  });
});

const linux = process.platform === 'linux';

/** A process named `postgres` (argv[0]) working in `dir`, as a dead postmaster's backend would be. */
function fakeBackend(dir: string): ChildProcess {
  return spawn('bash', ['-c', 'exec -a "postgres: allot allot 127.0.0.1(1) idle" sleep 30'], {
    cwd: dir,
    stdio: 'ignore',
  });
}

describe.skipIf(!linux)('what a dead postmaster leaves', () => {
  it('kills the processes of the dead server that are still running after the grace period, then starts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'allot-leftover-'));
    const other = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' }); // not PostgreSQL: never touched
    const backend = fakeBackend(dir);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(leftoverProcesses(dir)).toEqual([backend.pid]);
      const { sup, procs, log } = harness({ dir });
      await sup.start();
      const t = performance.now();
      procs[0]!.exit(null, 'SIGSEGV');
      await new Promise<void>((r) => {
        const poll = setInterval(() => {
          if (procs.length < 2) return;
          clearInterval(poll);
          r();
        }, 20);
      });
      expect(performance.now() - t).toBeGreaterThanOrEqual(LEFTOVER_GRACE_MS - 50);
      expect(log[1]).toBe(
        `embedded PostgreSQL: 1 process(es) of the dead server still running after ${LEFTOVER_GRACE_MS} ms; ` +
          'killing them',
      );
      const running = backend.exitCode === null && backend.signalCode === null;
      if (running) await new Promise((r) => backend.once('exit', r));
      expect(backend.signalCode).toBe('SIGKILL');
      expect(leftoverProcesses(dir)).toEqual([]);
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
      await sup.stop();
    } finally {
      other.kill();
      backend.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes a postmaster.pid whose pid is another program now, and leaves one naming a dead process', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'allot-pidfile-'));
    const file = path.join(dir, 'postmaster.pid');
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    const log: string[] = [];
    try {
      writeFileSync(file, `${other.pid}\n${dir}\n0\n5432\n`);
      clearStalePidFile(dir, (m) => log.push(m));
      expect(existsSync(file)).toBe(false);
      expect(log).toEqual([`removing the stale ${file}: pid ${other.pid} is another program now`]);
      const gone = spawn('true');
      await new Promise((r) => gone.once('exit', r));
      writeFileSync(file, `${gone.pid}\n${dir}\n0\n5432\n`);
      clearStalePidFile(dir, (m) => log.push(m));
      expect(existsSync(file)).toBe(true); // PostgreSQL checks a dead one's shared memory itself
      expect(log).toHaveLength(1);
    } finally {
      other.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
