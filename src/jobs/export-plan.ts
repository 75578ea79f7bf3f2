import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceObject } from '../jsonapi/serialize';
import { listRows } from '../query/list';
import { type Presentation, preparePresentation, present } from '../query/present';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';

export interface ExportSpec {
  resource_type: string;
  includes: string[];
  fields: string[];
  filters: Record<string, unknown>;
  dry_data: boolean;
}

export type ExportRecord = Record<string, unknown>;

/** Rows read per statement while exporting. */
export const PAGE = 500;

export interface ExportPlan {
  def: ResourceDefinition;
  query: ParsedQuery;
  presentation: Presentation;
  /** attribute names kept per include path ('' for the records themselves); absent: all */
  fields: Map<string, Set<string>>;
}

const filterValue = (v: unknown): string | string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

/**
 * An export as a list query: `filters` are `filter[q]` predicates, `includes` and the relationships
 * named in `fields` (`prices.amount_cents`, `stock_location.*`) are includes. Checked the way a list
 * call checks them (400 on an unknown filter or include).
 */
export function exportPlan(reg: Registry, spec: ExportSpec, ctx: RequestContext): ExportPlan {
  const def = reg.get(spec.resource_type)!;
  const filters = (typeof spec.filters.q === 'object' && spec.filters.q) || spec.filters;
  const include = new Set(spec.includes);
  const fields = new Map<string, Set<string>>();
  for (const f of spec.fields) {
    const parts = f.split('.');
    const name = parts.pop()!;
    const path = parts.join('.');
    if (path) include.add(path);
    if (name !== '*') fields.set(path, (fields.get(path) ?? new Set()).add(name));
    else fields.set(path, fields.get(path) ?? new Set(['*']));
  }
  for (const [k, v] of fields) if (v.has('*')) fields.delete(k);
  const query: ParsedQuery = {
    include: [...include],
    fields: {},
    sort: [],
    page: { number: 1, size: PAGE },
    ransack: Object.entries(filters as Record<string, unknown>).map(([key, v]) => ({ key, value: filterValue(v) })),
    filters: [],
  };
  if (query.ransack.some((r) => !/^[A-Za-z0-9_]+$/.test(r.key)))
    throw errors.invalidFiltersSyntax('filters must be Ransack predicates such as code_eq.');
  return { def, query, presentation: preparePresentation(reg, def, query, ctx), fields };
}

/** How many records the export matches now. */
export async function countRecords(tx: Tx, reg: Registry, plan: ExportPlan, ctx: RequestContext): Promise<number> {
  return (await listRows(tx, reg, plan.def, ctx, { ...plan.query, page: { number: 1, size: 1 } })).total;
}

/** One page of records, as the export writes them: attributes flat, included relationships nested. */
export async function exportPage(
  tx: Tx,
  reg: Registry,
  plan: ExportPlan,
  ctx: RequestContext,
  page: number,
  dry: boolean,
): Promise<{ records: ExportRecord[]; total: number }> {
  const q = { ...plan.query, page: { number: page, size: PAGE } };
  const { rows, total } = await listRows(tx, reg, plan.def, ctx, q);
  const doc = await present(tx, ctx, plan.def, rows, plan.presentation, { single: false });
  const byKey = new Map([...doc.data, ...doc.included].map((o) => [`${o.type}:${o.id}`, o]));
  const record = (o: ResourceObject, path: string, depth: number): ExportRecord => {
    const keep = plan.fields.get(path);
    const r: ExportRecord = dry ? {} : { id: o.id };
    for (const [k, v] of Object.entries(o.attributes)) {
      if (keep && !keep.has(k)) continue;
      if (dry && (v === null || v === '' || k === 'created_at' || k === 'updated_at')) continue;
      r[k] = v;
    }
    if (depth > 3) return r;
    for (const [name, rel] of Object.entries(o.relationships)) {
      if (rel.data === undefined) continue;
      const sub = path ? `${path}.${name}` : name;
      const one = (l: { type: string; id: string }) => {
        const t = byKey.get(`${l.type}:${l.id}`);
        return t ? record(t, sub, depth + 1) : dry ? {} : { id: l.id };
      };
      r[name] = Array.isArray(rel.data) ? rel.data.map(one) : rel.data ? one(rel.data) : null;
    }
    return r;
  };
  return { records: doc.data.map((o) => record(o, '', 0)), total };
}
