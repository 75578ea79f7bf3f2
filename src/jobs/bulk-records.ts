import { getTableName } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Mode, RequestContext } from '../auth/context';
import { newId } from '../lib/ids';
import type { ResourceDefinition } from '../resources/define';
import type { Row } from '../rows/row';
import { checkValue } from '../services/values';
import type { Rejected } from './bulk-stock-items';
import type { Input } from './inputs';

/**
 * `allot import skus|stock_locations`: one batch of records keyed by `code`, in one transaction.
 * Each row is checked in memory by the API's own rules (`checkValue` per attribute, required
 * attributes of a new record, the definition's `validate` on the row merged over what is stored),
 * its relationships in one query per type; the rows that pass go into a staging table with COPY
 * and are written by one `UPDATE` (stored records) and one `INSERT` (new ones). One `versions` row per batch.
 */
export interface RecordBatch {
  created: number;
  updated: number;
  rejected: Rejected[];
}

const esc = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
};

/** The columns a file may carry for `def`: writable stored attributes and `<relationship>_id`. */
export function recordColumns(def: ResourceDefinition): Map<string, string> {
  const out = new Map<string, string>(); // CSV column → row key
  for (const [name, a] of Object.entries(def.attributes)) if (a.column && a.create) out.set(name, name);
  for (const [name, r] of Object.entries(def.relationships)) if (r.fk && r.create) out.set(`${name}_id`, r.fk);
  return out;
}

export async function applyRecordBatch(
  sql: postgres.Sql,
  def: ResourceDefinition,
  ctx: RequestContext,
  header: string[],
  rows: Array<{ line: number; record: Input }>,
  run: { id: string; file: string },
): Promise<RecordBatch> {
  const table = getTableName(def.table);
  const columns = recordColumns(def);
  return sql.begin(async (tx) => {
    const q = (text: string, params: unknown[] = []) => tx.unsafe(text, params as never[], { prepare: false });
    const codes = rows.map((r) => String(r.record.code ?? ''));
    const stored = new Map<string, Row>(
      (await q(`select * from ${table} where mode = $1 and code = any($2::text[])`, [ctx.mode, codes])).map((r) => [
        r.code,
        r as Row,
      ]),
    );
    // every relationship id named in the batch, checked in one query per target type
    const exists = new Map<string, Set<string>>();
    for (const [name, r] of Object.entries(def.relationships)) {
      if (!r.fk || !columns.has(`${name}_id`)) continue;
      const ids = [...new Set(rows.map((x) => x.record[`${name}_id`]).filter((v) => typeof v === 'string'))];
      const target = r.type;
      const found = await q(`select id from ${target} where mode = $1 and id = any($2::text[])`, [ctx.mode, ids]);
      exists.set(name, new Set(found.map((f) => f.id as string)));
    }
    const rejected: Rejected[] = [];
    const ready = new Map<string, Row>(); // by code: the last row of a code wins
    for (const { line, record } of rows) {
      const code = String(record.code ?? '');
      const refuse = (field: string, message: string) => rejected.push({ line, key: code, field, message });
      const before = stored.get(code) ?? ready.get(code);
      const merged: Row = before ? { ...before } : { id: newId(), mode: ctx.mode };
      let ok = true;
      for (const [column, key] of columns) {
        const v = record[column];
        if (v === undefined) {
          const a = def.attributes[column];
          if (!before && a?.default !== undefined) merged[key] = a.default;
          continue;
        }
        const a = def.attributes[column];
        if (a) {
          const r = checkValue(column, a, v);
          if ('violation' in r) ok = !refuse(column, r.violation.message);
          else merged[key] = r.value;
        } else if (!exists.get(column.slice(0, -3))?.has(String(v))) ok = !refuse(column.slice(0, -3), 'is invalid');
        else merged[key] = v;
      }
      if (!code) ok = !refuse('code', "can't be blank");
      if (!before)
        for (const [name, a] of Object.entries(def.attributes))
          if (a.required && a.create && merged[name] === undefined && record[name] === undefined)
            ok = !refuse(name, "can't be blank");
      for (const [name, r] of Object.entries(def.relationships))
        if (ok && r.required && r.fk && !merged[r.fk]) ok = !refuse(name, "can't be blank");
      for (const v of ok ? (def.validate?.(merged, ctx) ?? []) : []) ok = !refuse(v.attribute, v.message);
      if (ok) ready.set(code, merged);
    }
    const keys = ['id', 'mode', ...new Set(header.map((c) => columns.get(c)!))];
    let created = 0;
    let updated = 0;
    if (ready.size) {
      const cols = keys.join(', ');
      await q(`create temp table stage on commit drop as select ${cols}, true as new from ${table} limit 0`);
      const copy = await tx.unsafe(`copy stage (${cols}, new) from stdin`).writable();
      await new Promise<void>((resolve, reject) => {
        copy.once('finish', resolve).once('error', reject);
        copy.end(
          [...ready.entries()]
            .map(([code, r]) => `${keys.map((k) => esc(r[k])).join('\t')}\t${stored.has(code) ? 'f' : 't'}\n`)
            .join(''),
        );
      });
      // constraints are checked on the row as proposed, so stored records are updated, not upserted
      const set = keys.filter((k) => k !== 'id' && k !== 'mode').map((k) => `${k} = s.${k}`);
      updated = (
        await q(
          `update ${table} t set ${[...set, 'updated_at = now()'].join(', ')} from stage s
           where not s.new and t.mode = s.mode and t.id = s.id returning 1`,
        )
      ).length;
      created = (
        await q(
          `insert into ${table} (${cols}) select ${cols} from stage where new on conflict (mode, code) do
            nothing returning 1`,
        )
      ).length;
    }
    await q(
      `insert into versions (id, mode, resource_type, resource_id, event, changes, who)
       values ($1, $2, $3, $4, 'import', $5::jsonb, $6::jsonb)`,
      [
        newId(),
        ctx.mode,
        def.type,
        run.id,
        JSON.stringify({ file: [null, run.file], created: [null, created], updated: [null, updated] }),
        JSON.stringify({ application: { id: null, kind: 'cli' }, request_id: run.id }),
      ],
    );
    return { created, updated, rejected: rejected.sort((a, b) => a.line - b.line) };
  });
}

/** The context the checks run with: an integration admin of `mode`, as the CLI is. */
export const cliContext = (mode: Mode): RequestContext => ({
  mode,
  caller: {
    applicationId: 'cli',
    kind: 'integration',
    role: 'admin',
    mode,
    scope: '',
    marketIds: [],
    stockLocationIds: [],
  },
  baseUrl: '',
});
