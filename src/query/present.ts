import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import { type ResourceObject, type SerializeOptions, serializeResource } from '../jsonapi/serialize';
import { attributesOf, type ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import type { Row } from '../rows/row';
import { type IncludeNode, type IncludeTree, includeTree, keyOf, loadIncludes } from './include';

/** `include` and `fields` checked before any query runs, so a bad request costs no database work. */
export interface Presentation {
  tree: IncludeTree;
  fields: Record<string, Set<string>>;
}

export function preparePresentation(
  reg: Registry,
  def: ResourceDefinition,
  q: ParsedQuery,
  ctx: RequestContext,
): Presentation {
  const fields: Record<string, Set<string>> = {};
  for (const [type, names] of Object.entries(q.fields)) {
    const d = reg.get(type);
    if (!d) throw errors.invalidResource(type);
    for (const n of names) {
      const a = d.attributes[n];
      if (n !== 'id' && !(a && a.fetch !== false) && !d.relationships[n]) throw errors.invalidField(type, n);
    }
    fields[type] = new Set(names);
  }
  const tree = includeTree(reg, def, q.include);
  if (ctx.caller.kind === 'sales_channel') checkIncludeAccess(tree);
  return { tree, fields };
}

/** Sales channels may include only types they may read themselves. */
function checkIncludeAccess(tree: IncludeTree) {
  const walk = (n: IncludeNode) => {
    if (n.def && !n.def.access.sales_channel?.includes('retrieve')) throw errors.unauthorized();
    n.children.forEach(walk);
  };
  tree.forEach(walk);
}

export interface Presented {
  data: ResourceObject[];
  included: ResourceObject[];
}

/**
 * Batch-computed attributes (`load`) for one definition's rows: in single-resource documents always,
 * in collections only when `fields[type]` names them.
 */
async function computeAttributes(
  db: Db | Tx,
  ctx: RequestContext,
  def: ResourceDefinition,
  rows: Row[],
  p: Presentation,
  single: boolean,
) {
  const out = new Map<string, Record<string, unknown>>();
  const only = p.fields[def.type];
  const wanted = attributesOf(def, 'loaded').filter(
    ([name, a]) => (!only || only.has(name)) && (single || !a.explicitInLists || only?.has(name)),
  );
  if (!wanted.length || !rows.length) return out;
  await Promise.all(
    wanted.map(async ([name, a]) => {
      const values = await a.load!(db, ctx, rows);
      for (const r of rows) {
        const k = keyOf(def.type, r.id);
        let o = out.get(k);
        if (!o) out.set(k, (o = {}));
        o[name] = values.get(r.id) ?? null;
      }
    }),
  );
  return out;
}

/** Serialize primary rows and everything included, with linkage for included relationships. */
export async function present(
  db: Db | Tx,
  ctx: RequestContext,
  def: ResourceDefinition,
  rows: Row[],
  p: Presentation,
  opts: { organizationId?: string; single: boolean },
): Promise<Presented> {
  const loaded = await loadIncludes(db, ctx, def, rows, p.tree);
  const byDef = new Map<ResourceDefinition, Row[]>([[def, rows]]);
  for (const { def: d, row } of loaded.included.values()) {
    const list = byDef.get(d) ?? [];
    if (!byDef.has(d)) byDef.set(d, list);
    list.push(row);
  }
  const computed = new Map<string, Record<string, unknown>>();
  for (const [d, rs] of byDef)
    for (const [k, v] of await computeAttributes(db, ctx, d, rs, p, opts.single)) computed.set(k, v);
  const so: SerializeOptions = { ctx, fields: p.fields, organizationId: opts.organizationId };
  const primary = new Set(rows.map((r) => keyOf(def.type, r.id)));
  const data = rows.map((r) =>
    serializeResource(def, r, so, loaded.linkage.get(keyOf(def.type, r.id)), computed.get(keyOf(def.type, r.id))),
  );
  const included: ResourceObject[] = [];
  for (const [k, { def: d, row }] of loaded.included) {
    if (!primary.has(k)) included.push(serializeResource(d, row, so, loaded.linkage.get(k), computed.get(k)));
  }
  return { data, included };
}
