import type { Database } from '../db/client';
import type { Registry } from '../resources/registry';
import { startWorkers, type Workers } from './queue';
import { runExport } from './run-export';
import { runImport } from './run-import';

/**
 * This process's share of the job queue: `workers` jobs at a time (JOB_WORKERS; 0 leaves the queue
 * to other processes). A job whose runner throws (a bug, not bad input: inputs are logged one by
 * one) ends visibly — an import interrupted, an export failed — with the reason in `errors_log`.
 */
export function startJobWorkers(
  database: Database,
  reg: Registry,
  opts: { workers: number; pollMs?: number; onError: (e: unknown, job?: string) => void },
): Workers {
  const deps = (stopping: () => boolean) => ({ db: database.db, reg, stopping });
  const fail = async (id: string) => {
    const log = JSON.stringify({ base: ['the job stopped on an unexpected error; see the server log'] });
    await database.sql`update imports set status = 'interrupted', interrupted_at = now(), updated_at = now(),
      errors_log = errors_log || ${log}::jsonb where id = ${id} and status in ('pending', 'in_progress')`;
    await database.sql`update exports set status = 'failed', updated_at = now(),
      errors_log = errors_log || ${log}::jsonb where id = ${id} and status in ('pending', 'in_progress')`;
    return 'done' as const;
  };
  return startWorkers(
    database,
    {
      import: (id, stopping) => runImport(deps(stopping), id),
      export: (id, stopping) => runExport(deps(stopping), id),
    },
    { workers: opts.workers, pollMs: opts.pollMs ?? 1_000, onError: opts.onError, fail },
  );
}
