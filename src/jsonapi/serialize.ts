import type { RequestContext } from '../auth/context';
import { attributesOf, type ResourceDefinition } from '../resources/define';
import type { Row } from '../rows/row';

export interface Identifier {
  type: string;
  id: string;
}
export type Linkage = Identifier | Identifier[] | null;

export interface ResourceObject {
  id: string;
  type: string;
  links: { self: string };
  attributes: Record<string, unknown>;
  relationships: Record<string, { links: { self: string; related: string }; data?: Linkage }>;
  meta: { mode: string; organization_id?: string };
}

export interface SerializeOptions {
  ctx: RequestContext;
  /** `fields[type]` as sets; a type absent here shows everything. */
  fields: Record<string, Set<string>>;
  organizationId?: string;
}

const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/** One resource object in Commerce Layer's shape: every relationship has links, `data` only when included. */
export function serializeResource(
  def: ResourceDefinition,
  row: Row,
  opts: SerializeOptions,
  linkage?: Record<string, Linkage>,
  computed?: Record<string, unknown>,
): ResourceObject {
  const base = `${opts.ctx.baseUrl}/api/${def.type}/${row.id}`;
  const only = opts.fields[def.type];
  const attributes: Record<string, unknown> = {};
  for (const [name, a] of attributesOf(def, 'shown')) {
    if ((only && !only.has(name)) || (a.hiddenFromSalesChannels && opts.ctx.caller.kind === 'sales_channel')) continue;
    if (a.load) {
      if (computed && name in computed) attributes[name] = computed[name];
      continue; // batch-computed attributes not computed for this document are absent (e.g. inventory in lists)
    }
    attributes[name] = value(a.read ? a.read(row, opts.ctx) : row[name]);
  }
  const relationships: ResourceObject['relationships'] = {};
  for (const name in def.relationships) {
    if (only && !only.has(name)) continue;
    const r: ResourceObject['relationships'][string] = {
      links: { self: `${base}/relationships/${name}`, related: `${base}/${name}` },
    };
    if (linkage && name in linkage) r.data = linkage[name];
    relationships[name] = r;
  }
  const meta: ResourceObject['meta'] = { mode: opts.ctx.mode };
  if (opts.organizationId) meta.organization_id = opts.organizationId;
  return { id: String(row.id), type: def.type, links: { self: base }, attributes, relationships, meta };
}
