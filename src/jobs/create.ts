import type { RequestContext } from '../auth/context';
import { type Db, rawClient } from '../db/client';
import { exports, imports, jobAttachments } from '../db/schema/jobs';
import type { Tx } from '../db/tx';
import type { ParsedDocument } from '../jsonapi/document';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import { newId, newSecret } from '../lib/ids';
import type { BoundDefinition } from '../resources/bind';
import { EXPORT_TYPES, IMPORT_TYPES, JOB_LIMITS } from '../resources/jobs';
import type { Registry } from '../resources/registry';
import type { Row } from '../rows/row';
import { inTransaction } from '../services/crud';
import { checkInput } from '../services/input';
import { countRecords, exportPlan } from './export-plan';
import { gzip, inputsText, parseInputs } from './inputs';
import { createdBy } from './job-context';
import { JOBS_CHANNEL } from './queue';

/** Members a job's creation takes that the generic input check does not know (arrays, CSV text). */
const OWN = ['inputs', 'includes', 'fields', 'filters'];

interface Deps {
  db: Db;
  reg: Registry;
}

function split(def: BoundDefinition, doc: ParsedDocument) {
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc.attributes)) (OWN.includes(k) && def.attributes[k] ? own : rest)[k] = v;
  return { own, doc: { ...doc, attributes: rest } };
}

/** Commerce Layer's limit of jobs at once per organization (one at a time decides, so the limit holds under races). */
async function checkConcurrency(tx: Tx, table: 'imports' | 'exports') {
  const sql = rawClient(tx);
  await sql`select pg_advisory_xact_lock(hashtext(${`allot.${table}.create`}))`;
  const [{ n }] = await sql.unsafe(
    `select count(*)::int as n from ${table} where status in ('pending', 'in_progress')`,
  );
  if (n >= JOB_LIMITS.maxConcurrent)
    throw errors.validation([
      violation.unacceptable(
        'base',
        `at most ${JOB_LIMITS.maxConcurrent} ${table} may be pending or in progress at once`,
      ),
    ]);
}

async function enqueue(tx: Tx, kind: 'import' | 'export', id: string, mode: string) {
  const sql = rawClient(tx);
  await sql`insert into jobs (id, kind, mode) values (${id}, ${kind}, ${mode})`;
  await sql`select pg_notify(${JOBS_CHANNEL}, ${id})`;
}

const strings = (name: string, v: unknown): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw errors.validation([violation.unacceptable(name, 'must be an array of strings')]);
  return v;
};

/** POST /api/imports: checked, stored (inputs as the gzip attachment) and queued in one transaction. */
export async function createImport(deps: Deps, def: BoundDefinition, body: ParsedDocument, ctx: RequestContext) {
  const { own, doc } = split(def, body);
  return inTransaction(deps, def, 'create', ctx, async (tx) => {
    const input = await checkInput(tx, deps.reg, def, doc, 'create', ctx);
    const v = input.values as Row;
    if (!(IMPORT_TYPES as readonly string[]).includes(v.resource_type))
      throw errors.validation([violation.notIncluded('resource_type', v.resource_type)]);
    if (own.inputs === undefined || own.inputs === null) throw errors.validation([violation.blank('inputs')]);
    const format = (v.format ?? 'json') as 'json' | 'csv';
    const text = inputsText(format, own.inputs);
    const size = parseInputs(format, text).length;
    if (size === 0) throw errors.validation([violation.empty('inputs')]);
    if (size > JOB_LIMITS.maxInputs)
      throw errors.validation([violation.atMost('inputs_size', JOB_LIMITS.maxInputs, size)]);
    await checkConcurrency(tx, 'imports');
    const id = newId();
    const [created] = await tx
      .insert(imports)
      .values({ ...v, id, mode: ctx.mode, format, inputs_size: size, created_by: createdBy(ctx) } as never)
      .returning();
    await tx.insert(jobAttachments).values({ id, mode: ctx.mode, content: gzip(text), secret: newSecret() });
    await enqueue(tx, 'import', id, ctx.mode);
    return created as Row;
  });
}

/** POST /api/exports: counted (none, or more than 10,000, is refused as at Commerce Layer) and queued. */
export async function createExport(deps: Deps, def: BoundDefinition, body: ParsedDocument, ctx: RequestContext) {
  const { own, doc } = split(def, body);
  return inTransaction(deps, def, 'create', ctx, async (tx) => {
    const input = await checkInput(tx, deps.reg, def, doc, 'create', ctx);
    const v = input.values as Row;
    if (!(EXPORT_TYPES as readonly string[]).includes(v.resource_type))
      throw errors.validation([violation.notIncluded('resource_type', v.resource_type)]);
    const filters = own.filters ?? {};
    if (typeof filters !== 'object' || filters === null || Array.isArray(filters))
      throw errors.validation([violation.notA('filters', 'object')]);
    const spec = {
      resource_type: v.resource_type as string,
      includes: strings('includes', own.includes),
      fields: strings('fields', own.fields),
      filters: filters as Record<string, unknown>,
      dry_data: v.dry_data === true,
    };
    const plan = exportPlan(deps.reg, spec, ctx);
    const total = await countRecords(tx, deps.reg, plan, ctx);
    if (total === 0) throw errors.validation([violation.greaterThan('records_count', 0, 0)]);
    if (total > JOB_LIMITS.maxRecords)
      throw errors.validation([violation.atMost('records_count', JOB_LIMITS.maxRecords, total)]);
    await checkConcurrency(tx, 'exports');
    const id = newId();
    const [created] = await tx
      .insert(exports)
      .values({ ...v, ...spec, id, mode: ctx.mode, records_count: total, created_by: createdBy(ctx) } as never)
      .returning();
    await enqueue(tx, 'export', id, ctx.mode);
    return created as Row;
  });
}
