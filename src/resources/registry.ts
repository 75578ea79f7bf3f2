import type { BoundDefinition } from './bind';
import type { Attribute, Relationship, ResourceDefinition } from './define';

/** The whitelist of every type Allot serves, with its behaviour bound; unknown types are 404s, never guesses. */
export class Registry {
  private readonly byType = new Map<string, BoundDefinition>();

  constructor(defs: BoundDefinition[]) {
    for (const d of defs) this.byType.set(d.type, d);
  }

  get(type: string): BoundDefinition | undefined {
    return this.byType.get(type);
  }

  all(): BoundDefinition[] {
    return [...this.byType.values()];
  }

  /** The target of a relationship, or undefined while that type is not served yet (virtual relationships). */
  target(r: Relationship): BoundDefinition | undefined {
    return r.virtual ? undefined : this.byType.get(r.type);
  }
}

/** One step of a path through relationships. */
export interface Hop {
  name: string;
  rel: Relationship;
  from: ResourceDefinition;
  to: ResourceDefinition;
}

export interface AttrPath {
  hops: Hop[];
  def: ResourceDefinition;
  name: string;
  attr: Attribute;
  /** A belongs_to `{rel}_id` is read from the foreign key column directly, without a join. */
  fkShortcut?: { from: ResourceDefinition; key: string };
}

/**
 * Resolve a Ransack attribute path such as `inventory_stock_locations_stock_location_code` against a
 * definition: an attribute of its own, or a filterable relationship name followed by a path in the target.
 */
export function resolveAttrPath(reg: Registry, def: ResourceDefinition, s: string, depth = 3): AttrPath | undefined {
  const own = def.attributes[s];
  if (own?.filter && own.column) return { hops: [], def, name: s, attr: own };
  if (depth === 0) return undefined;
  for (const [name, r] of Object.entries(def.relationships)) {
    if (r.filter === false || !s.startsWith(`${name}_`)) continue;
    const to = reg.target(r);
    if (!to) continue;
    const rest = s.slice(name.length + 1);
    if (rest === 'id' && r.fk) {
      return { hops: [], def, name: s, attr: to.attributes.id!, fkShortcut: { from: def, key: r.fk } };
    }
    const inner = resolveAttrPath(reg, to, rest, depth - 1);
    if (inner) return { ...inner, hops: [{ name, rel: r, from: def, to }, ...inner.hops] };
  }
  return undefined;
}
