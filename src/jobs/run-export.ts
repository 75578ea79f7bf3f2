import { rawClient } from '../db/client';
import { newSecret } from '../lib/ids';
import { type ExportRecord, type ExportSpec, exportPage, exportPlan, PAGE } from './export-plan';
import { gzip } from './inputs';
import { jobContext } from './job-context';
import type { RunDeps } from './run-import';

/** A CSV cell: nested objects flatten to `a.b` columns before this; arrays and objects left are JSON. */
const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function flatten(r: ExportRecord, prefix = '', out: ExportRecord = {}): ExportRecord {
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) flatten(v as ExportRecord, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** Records as CSV (RFC 4180): one header row with every column any record has, in first-seen order. */
export function toCsv(records: ExportRecord[]): string {
  const flat = records.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return [columns.map(cell).join(','), ...flat.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n');
}

/**
 * Run one export: every page is read in one REPEATABLE READ, READ ONLY transaction (one snapshot,
 * whatever commits meanwhile), progress is written beside it between pages, and the gzip file and
 * the completed status are written together at the end. Stopping leaves it queued to start over.
 */
export async function runExport(deps: RunDeps, id: string): Promise<'done' | 'stopped'> {
  const sql = rawClient(deps.db);
  const [exp] =
    await sql`update exports set status = 'in_progress', started_at = coalesce(started_at, now()), updated_at = now()
    where id = ${id} and status in ('pending', 'in_progress') returning *`;
  if (!exp) return 'done';
  const ctx = jobContext(exp as never);
  const spec = exp as unknown as ExportSpec;
  const plan = exportPlan(deps.reg, spec, ctx);
  const started = Date.now();
  const records: ExportRecord[] = [];
  const outcome = await deps.db.transaction(
    async (tx) => {
      for (let page = 1; ; page++) {
        if (deps.stopping()) return 'stopped';
        const { records: got, total } = await exportPage(tx, deps.reg, plan, ctx, page, spec.dry_data);
        records.push(...got);
        const progress = total ? Math.min(100, (records.length / total) * 100) : 100;
        const eta = new Date(started + ((Date.now() - started) * 100) / Math.max(progress, 1));
        const [still] = await sql`update exports set processed_count = ${records.length}, progress =
            ${Math.round(progress * 100) / 100},
          estimated_completion_at = ${eta.toISOString()}, updated_at = now() where id = ${id} returning status`;
        if (still?.status !== 'in_progress') return 'interrupted';
        if (got.length < PAGE) return 'read';
      }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  if (outcome === 'stopped') return 'stopped';
  if (outcome === 'interrupted') return 'done';
  const text = exp.format === 'csv' ? toCsv(records) : JSON.stringify(records);
  await deps.db.transaction(async (tx) => {
    const t = rawClient(tx);
    const [cur] = await t`select status from exports where id = ${id} for update`;
    if (cur?.status !== 'in_progress') return;
    await t`insert into job_attachments (id, mode, content, secret) values (${id}, ${exp.mode}, ${gzip(text)},
      ${newSecret()})
      on conflict (id) do update set content = excluded.content`;
    await t`update exports set status = 'completed', completed_at = now(), processed_count = ${records.length},
      records_count = ${records.length}, progress = 100, updated_at = now() where id = ${id}`;
  });
  return 'done';
}
