import type { Database } from '../db/client';

/**
 * What a runner says when it returns: the job is finished (its row goes), or it stopped early and
 * resumes elsewhere.
 */
export type Outcome = 'done' | 'stopped';
export type Runner = (id: string, stopping: () => boolean) => Promise<Outcome>;

export interface Workers {
  /** Look for work now (a job was just queued by this process). */
  kick(): void;
  /** Finish the current batch of every running job, leave the rest queued, and return. */
  stop(): Promise<void>;
}

export const JOBS_CHANNEL = 'allot_jobs';

/** Failures that say nothing about the job: a lost connection, a server shutting down, a deadlock. */
export function transient(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return /^(08|57P|40001|40P01)/.test(code) || /^(CONNECTION_|CONNECT_TIMEOUT|ECONN|EPIPE|ETIMEDOUT)/.test(code);
}

/**
 * The job queue's workers (README "Imports and exports"): a table of job ids and
 * `FOR UPDATE SKIP LOCKED`. A worker claims the oldest job nobody holds and keeps that row lock,
 * in an open transaction on its own connection, for as long as the job runs; the job's work runs
 * in transactions of its own. So any number of processes share the queue without running a job
 * twice, and when a process dies its locks go with its connections: another worker takes the job
 * up at once and resumes it from what its last batch committed. Should two workers ever run one
 * import (a holder's connection cut while its process lives on), no input is applied twice: each
 * batch reads the cursor under the import's row lock. Workers wake on NOTIFY (sent when a job is
 * queued, delivered at commit) and poll every `pollMs` besides.
 */
export function startWorkers(
  database: Database,
  runners: Record<string, Runner>,
  opts: { workers: number; pollMs: number; onError: (e: unknown, job?: string) => void; fail: Runner },
): Workers {
  let stopping = false;
  const sleepers = new Set<() => void>();
  const kick = () => {
    for (const wake of sleepers) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const claimAndRun = () =>
    database.sql.begin(async (holder) => {
      const [job] = await holder`select id, kind from jobs order by created_at, id for update skip locked limit 1`;
      if (!job) return false;
      let outcome: Outcome;
      try {
        outcome = await runners[job.kind]!(job.id, () => stopping);
      } catch (e) {
        opts.onError(e, job.id);
        if (transient(e)) throw e; // the database went away or a lock fight was lost: the job stays queued
        outcome = await opts.fail(job.id, () => stopping); // a bug or bad data: the job ends, visibly
      }
      if (outcome === 'done') await holder`delete from jobs where id = ${job.id}`;
      return true;
    });

  const loop = async () => {
    while (!stopping) {
      try {
        if (await claimAndRun()) continue;
      } catch (e) {
        opts.onError(e); // the database went away: the job stays queued for whoever comes next
      }
      if (!stopping) await sleep(opts.pollMs);
    }
  };

  const loops = Array.from({ length: opts.workers }, loop);
  const listening = opts.workers
    ? database.sql.listen(JOBS_CHANNEL, kick).catch((e) => {
        opts.onError(e); // polling still finds the work
        return undefined;
      })
    : Promise.resolve(undefined);
  return {
    kick,
    stop: async () => {
      stopping = true;
      kick();
      await Promise.all(loops);
      await (await listening)?.unlisten().catch(() => {});
    },
  };
}
