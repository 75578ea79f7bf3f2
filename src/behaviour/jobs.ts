import { rawClient } from '../db/client';
import { attachmentUrls } from '../jobs/attachments';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Behaviour } from '../resources/bind';

/**
 * Imports and exports (README, "Imports and exports"): `_interrupt` stops a job between two batches (the worker reads
 * the status under the same row lock), `attachment_url` is a fresh signed link, and deleting one
 * deletes the job and its file, never what an import wrote.
 */
const job = (table: 'imports' | 'exports', noun: string): Behaviour => ({
  triggers: {
    _interrupt: async ({ tx, row }) => {
      if (row.status === 'completed' || row.status === 'failed')
        throw errors.validation([violation.invalidTransition('_interrupt', row.status, noun)]);
      await rawClient(tx).unsafe(
        `update ${table} set status = 'interrupted', interrupted_at = coalesce(interrupted_at, now()),
          updated_at = now()
         where id = $1 and status in ('pending', 'in_progress')`,
        [row.id],
      );
    },
  },
  loaders: { attachment_url: attachmentUrls },
  hooks: {
    beforeDelete: async ({ tx, row }) => {
      const sql = rawClient(tx);
      await sql`delete from job_attachments where id = ${row.id}`;
      // a job a worker holds is left to it: it finds its import or export gone and ends
      await sql`delete from jobs where id in (select id from jobs where id = ${row.id} for update skip locked)`;
    },
  },
});

export const importsBehaviour = job('imports', 'import');
export const exportsBehaviour = job('exports', 'export');
