import type { RequestContext } from '../auth/context';
import type { Attribute, ResourceDefinition, Row } from '../resources/define';

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

const shapes = new WeakMap<ResourceDefinition, { shown: Array<[string, Attribute]>; relationshipNames: string[] }>();

/** The attributes a document can show and the relationship names of a definition, listed once. */
function shapeOf(def: ResourceDefinition) {
  let s = shapes.get(def);
  if (!s) shapes.set(def, (s = { shown: Object.entries(def.attributes).filter(([, a]) => a.fetch !== false), relationshipNames: Object.keys(def.relationships) }));
  return s;
}

const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v === undefined ? null : v);

/** One resource object in Commerce Layer's shape (spec §1.3): every relationship has links, `data` only when included. */
export function serializeResource(def: ResourceDefinition, row: Row, opts: SerializeOptions, linkage?: Record<string, Linkage>, computed?: Record<string, unknown>): ResourceObject {
  const base = `${opts.ctx.baseUrl}/api/${def.type}/${row.id}`;
  const only = opts.fields[def.type];
  const attributes: Record<string, unknown> = {};
  const { shown, relationshipNames } = shapeOf(def);
  for (const [name, a] of shown) {
    if ((only && !only.has(name)) || (a.hiddenFromSalesChannels && opts.ctx.caller.kind === 'sales_channel')) continue;
    if (a.load) {
      if (computed && name in computed) attributes[name] = computed[name];
      continue; // batch-computed attributes not computed for this document are absent (e.g. inventory in lists)
    }
    attributes[name] = value(a.read ? a.read(row, opts.ctx) : row[name]);
  }
  const relationships: ResourceObject['relationships'] = {};
  for (const name of relationshipNames) {
    if (only && !only.has(name)) continue;
    const r: ResourceObject['relationships'][string] = { links: { self: `${base}/relationships/${name}`, related: `${base}/${name}` } };
    if (linkage && name in linkage) r.data = linkage[name];
    relationships[name] = r;
  }
  const meta: ResourceObject['meta'] = { mode: opts.ctx.mode };
  if (opts.organizationId) meta.organization_id = opts.organizationId;
  return { id: row.id, type: def.type, links: { self: base }, attributes, relationships, meta };
}
