import { and, asc } from 'drizzle-orm';
import type { RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import type { Tx } from '../db/tx';
import { errors } from '../jsonapi/errors';
import type { Identifier, Linkage } from '../jsonapi/serialize';
import type { Relationship, ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { visible } from '../rows/find';
import type { Row } from '../rows/row';
import { anyOf } from '../rows/scope';
import { col } from '../rows/statement';

export interface IncludeNode {
  rel: Relationship;
  def?: ResourceDefinition;
  children: Map<string, IncludeNode>;
}
export type IncludeTree = Map<string, IncludeNode>;

/** Validate dotted include paths (`inventory_stock_locations.stock_location.address`) into a tree. */
export function includeTree(reg: Registry, def: ResourceDefinition, paths: string[]): IncludeTree {
  const root: IncludeTree = new Map();
  for (const path of paths) {
    let level = root;
    let current: ResourceDefinition | undefined = def;
    for (const name of path.split('.')) {
      const r: Relationship | undefined = current?.relationships[name];
      if (!current || !r || r.includable === false) throw errors.invalidInclude(def.type, path);
      let node = level.get(name);
      if (!node) level.set(name, (node = { rel: r, def: reg.target(r), children: new Map() }));
      level = node.children;
      current = node.def;
    }
  }
  return root;
}

export const keyOf = (type: string, id: string) => `${type}:${id}`;

export interface Loaded {
  /** `type:id` → relationship name → linkage, for every row whose relationships were included. */
  linkage: Map<string, Record<string, Linkage>>;
  included: Map<string, { def: ResourceDefinition; row: Row }>;
}

/** Load every included relationship level by level with one `IN` query per relationship, never one per row. */
export async function loadIncludes(
  db: Db | Tx,
  ctx: RequestContext,
  def: ResourceDefinition,
  rows: Row[],
  tree: IncludeTree,
): Promise<Loaded> {
  const out: Loaded = { linkage: new Map(), included: new Map() };
  await level(db, ctx, def, rows, tree, out);
  return out;
}

async function level(
  db: Db | Tx,
  ctx: RequestContext,
  def: ResourceDefinition,
  rows: Row[],
  tree: IncludeTree,
  out: Loaded,
): Promise<void> {
  if (!rows.length || !tree.size) return;
  await Promise.all(
    [...tree].map(async ([name, node]) => {
      const targets = await loadRelation(db, ctx, node, rows, (row, link) => setLink(out, def, row, name, link));
      for (const t of targets) out.included.set(keyOf(node.def!.type, t.id), { def: node.def!, row: t });
      if (node.def) await level(db, ctx, node.def, targets, node.children, out);
    }),
  );
}

function setLink(out: Loaded, def: ResourceDefinition, row: Row, name: string, link: Linkage) {
  const k = keyOf(def.type, row.id);
  const rec = out.linkage.get(k) ?? {};
  rec[name] = link;
  out.linkage.set(k, rec);
}

async function loadRelation(
  db: Db | Tx,
  ctx: RequestContext,
  node: IncludeNode,
  rows: Row[],
  link: (row: Row, l: Linkage) => void,
): Promise<Row[]> {
  const { rel, def } = node;
  if (!def) {
    for (const r of rows) link(r, rel.kind === 'to_many' ? [] : null);
    return [];
  }
  const ident = (t: Row): Identifier => ({ type: def.type, id: t.id });
  if (rel.fk) {
    const ids = [...new Set(rows.map((r) => r[rel.fk!]).filter((v): v is string => typeof v === 'string'))];
    for (const r of rows) link(r, r[rel.fk] ? { type: def.type, id: r[rel.fk] } : null);
    if (!ids.length) return [];
    return (await db
      .select()
      .from(def.table)
      .where(and(visible(def, ctx), anyOf(col(def.table, 'id'), ids)))) as Row[];
  }
  const parentIds = [...new Set(rows.map((r) => r.id as string))];
  const found = (await db
    .select()
    .from(def.table)
    .where(and(visible(def, ctx), anyOf(col(def.table, rel.inverse!), parentIds)))
    .orderBy(asc(col(def.table, 'created_at')), asc(col(def.table, 'id')))) as Row[];
  const byParent = new Map<string, Row[]>();
  for (const t of found) {
    const list = byParent.get(t[rel.inverse!]) ?? [];
    list.push(t);
    byParent.set(t[rel.inverse!], list);
  }
  for (const r of rows) {
    const list = byParent.get(r.id) ?? [];
    link(r, rel.kind === 'to_many' ? list.map(ident) : list[0] ? ident(list[0]) : null);
  }
  return found;
}
