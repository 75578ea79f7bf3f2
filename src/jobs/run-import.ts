import type { RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import { ApiError } from '../jsonapi/errors';
import { JOB_LIMITS } from '../resources/jobs';
import type { Registry } from '../resources/registry';
import { createResource, updateResource } from '../services/crud';
import { importTypes, inputDocument, inputKey } from './import-types';
import { castCsvRow, gunzip, type Input, parseInputs } from './inputs';
import { jobContext } from './job-context';

/** Inputs per transaction: each is its own savepoint; the batch commits with the import's counters. */
export const BATCH = 100;

export interface RunDeps {
  db: Db;
  reg: Registry;
  /** Asked between batches: true when the process is shutting down (the job resumes elsewhere). */
  stopping: () => boolean;
}

/** `{ quantity: ["must be …"] }`: an error as Commerce Layer's errors_log shows it, by field. */
export function fieldMessages(e: ApiError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const o of e.errors) {
    const field = o.source?.pointer?.split('/').pop() || o.source?.parameter || 'base';
    const message = o.code === 'VALIDATION_ERROR' ? o.title : o.detail;
    (out[field] ??= []).push(message);
  }
  return out;
}

/**
 * Run one import from where it stands (`cursor`) to the end, a batch per transaction: each input
 * goes through the generic write service (same rules, ledger and versions as an API write, reason
 * `import`, the import's id as the request) in its own savepoint, so a refused input is logged and
 * leaves nothing behind. The import's row is locked for each batch, so `_interrupt` lands between
 * batches. Returns when the import is completed, interrupted, gone, or the process is stopping.
 */
export async function runImport(deps: RunDeps, id: string): Promise<'done' | 'stopped'> {
  const sql = rawClient(deps.db);
  const [imp] =
    await sql`update imports set status = 'in_progress', started_at = coalesce(started_at, now()), updated_at = now()
    where id = ${id} and status in ('pending', 'in_progress') returning *`;
  if (!imp) return 'done';
  const def = deps.reg.get(imp.resource_type)!;
  const [file] = await sql`select content from job_attachments where id = ${id}`;
  let inputs: Input[] = parseInputs(imp.format, gunzip(file!.content));
  if (imp.format === 'csv') inputs = inputs.map((r) => castCsvRow(def, r));
  const ctx: RequestContext = jobContext(imp as never);
  const limit = imp.skip_errors ? Infinity : Math.floor(imp.inputs_size * JOB_LIMITS.maxErrorRatio);
  const type = importTypes[def.type]!;
  for (;;) {
    if (deps.stopping()) return 'stopped';
    const more = await deps.db.transaction(async (tx) => {
      const t = rawClient(tx);
      const [cur] =
        await t`select status, cursor, errors_count, processed_count, errors_log, warnings_count, warnings_log
          from imports where id = ${id} for update`;
      if (cur?.status !== 'in_progress') return false;
      // what an import writes fires no webhooks (Commerce Layer's imports_trigger_webhooks is false);
      // the import's own status change below does
      await t`select set_config('allot.events', 'off', true)`;
      let { cursor, errors_count: errorsCount, processed_count: processed, warnings_count: warningsCount } = cur;
      const log: Record<string, unknown> = {};
      const taken = { ...cur.errors_log };
      const warned: Record<string, string[]> = {};
      const takenWarnings = { ...cur.warnings_log };
      let interrupted = false;
      let named = false;
      let triggered = false;
      const end = Math.min(inputs.length, cursor + BATCH);
      for (; cursor < end && !interrupted; cursor++) {
        const input = inputs[cursor]!;
        try {
          const doc = inputDocument(def, input, imp.parent_resource_id);
          const apply = async () => {
            const target = doc.id ?? (await type.existing?.(tx, ctx.mode, doc));
            const w = { db: tx as unknown as Db, reg: deps.reg };
            if (target) {
              await updateResource(w, def, target, { ...doc, id: target }, ctx);
              return target;
            }
            // a check of updates (stock items): nothing to check on create
            const { _validate, ...attributes } = doc.attributes;
            await createResource(w, def, { ...doc, attributes }, ctx);
            return undefined;
          };
          // the ledger's reason for this transaction; a trigger (`_complete`…) names its own and clears it after
          if (!named || triggered) await t`select set_config('allot.reason', 'import', true)`;
          named = true;
          triggered = Object.keys(doc.attributes).some((k) => def.triggers[k]);
          // a lock fight lost to a concurrent write (409) rolled back only this input's savepoint: try it again
          let updated: string | undefined;
          for (let attempt = 1; ; attempt++) {
            try {
              updated = await apply();
              break;
            } catch (e) {
              if (!(e instanceof ApiError && e.status === 409 && attempt < 3)) throw e;
            }
          }
          processed++;
          const said = updated && type.warn ? await type.warn(tx, updated, doc) : [];
          if (said.length) {
            const key = inputKey(def.type, input, cursor, takenWarnings);
            takenWarnings[key] = warned[key] = said;
            warningsCount++;
          }
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          const key = inputKey(def.type, input, cursor, taken);
          taken[key] = log[key] = fieldMessages(e);
          errorsCount++;
          interrupted = errorsCount > limit;
        }
      }
      const done = interrupted || cursor >= inputs.length;
      const status = interrupted ? 'interrupted' : done ? 'completed' : 'in_progress';
      await t`select set_config('allot.events', 'on', true)`;
      await t`update imports set cursor = ${cursor}, processed_count = ${processed}, errors_count = ${errorsCount},
        errors_log = errors_log || ${JSON.stringify(log)}::jsonb, warnings_count = ${warningsCount},
        warnings_log = warnings_log || ${JSON.stringify(warned)}::jsonb, status = ${status}, updated_at = now(),
        completed_at = case when ${status} = 'completed' then now() end,
        interrupted_at = case when ${status} = 'interrupted' then now() end
        where id = ${id}`;
      return !done;
    });
    if (!more) return 'done';
  }
}
