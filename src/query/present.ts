import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import { errors } from '../jsonapi/errors';
import type { ParsedQuery } from '../jsonapi/query';
import { serializeResource, type ResourceObject, type SerializeOptions } from '../jsonapi/serialize';
import type { ResourceDefinition, Row } from '../resources/define';
import type { Registry } from '../resources/registry';
import type { Tx } from '../services/tx';
import { includeTree, keyOf, loadIncludes, type IncludeTree } from './include';

/** `include` and `fields` checked before any query runs, so a bad request costs no database work. */
export interface Presentation {
  tree: IncludeTree;
  fields: Record<string, Set<string>>;
}

export function preparePresentation(reg: Registry, def: ResourceDefinition, q: ParsedQuery): Presentation {
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
  return { tree: includeTree(reg, def, q.include), fields };
}

export interface Presented {
  data: ResourceObject[];
  included: ResourceObject[];
}

/** Serialize primary rows and everything included, with linkage for included relationships. */
export async function present(db: Db | Tx, ctx: RequestContext, def: ResourceDefinition, rows: Row[], p: Presentation, organizationId?: string): Promise<Presented> {
  const loaded = await loadIncludes(db, ctx, def, rows, p.tree);
  const opts: SerializeOptions = { ctx, fields: p.fields, organizationId };
  const primary = new Set(rows.map((r) => keyOf(def.type, r.id)));
  const data = rows.map((r) => serializeResource(def, r, opts, loaded.linkage.get(keyOf(def.type, r.id))));
  const included: ResourceObject[] = [];
  for (const [k, { def: d, row }] of loaded.included) {
    if (!primary.has(k)) included.push(serializeResource(d, row, opts, loaded.linkage.get(k)));
  }
  return { data, included };
}
