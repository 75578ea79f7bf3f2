import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import type { ParsedQuery } from '../jsonapi/query';
import type { Row } from '../rows/row';
import { dict, type Loader, type ResourceDefinition, type TriggerSpec } from './define';

export interface TriggerContext {
  tx: Tx;
  ctx: RequestContext;
  def: ResourceDefinition;
  row: Row;
  /** The attributes of the same request (already validated). */
  attributes: Record<string, unknown>;
}

/** A trigger's action: runs inside the write transaction after the attribute changes were applied. */
export type TriggerRun = (t: TriggerContext) => Promise<void>;

export interface Trigger extends TriggerSpec {
  run: TriggerRun;
}

export interface WriteHookArgs {
  tx: Tx;
  ctx: RequestContext;
  /** Column values about to be written; hooks may add to them (e.g. resolve `sku_code`). */
  values: Row;
  attributes: Record<string, unknown>;
  /** The stored row on update (locked), undefined on create. */
  existing?: Row;
}

/** Resource-specific steps of the generic write service (services/crud.ts), inside its transaction. */
export interface Hooks {
  beforeWrite?: (a: WriteHookArgs) => Promise<void>;
  /** After the row was written (and before triggers run), with the stored row. */
  afterWrite?: (a: WriteHookArgs & { row: Row }) => Promise<void>;
  /** Throw (e.g. 423) to refuse a delete that the schema's foreign keys would not catch. */
  beforeDelete?: (a: { tx: Tx; ctx: RequestContext; row: Row }) => Promise<void>;
}

/**
 * What runs for one type: the action of each trigger its definition declares, its write hooks, and
 * the loaders of its computed attributes, by name.
 *
 * @example
 *   const returns: Behaviour = {
 *     triggers: { _restock: ({ tx, ctx, row }) => restockReturn(tx, ctx.mode, row.id) },
 *     hooks: { beforeWrite: async ({ tx, values }) => { values.number = await nextNumber(tx, values.order_id); } },
 *   };
 */
export interface Behaviour {
  triggers?: Record<string, TriggerRun>;
  hooks?: Hooks;
  loaders?: Record<string, Loader>;
  listMeta?: ListMeta;
}

/**
 * What a list adds to its top-level `meta` from the definition's `listParams` (given as sent,
 * absent ones left out); `parent` is set on a related endpoint (`/api/stock_items/{id}/stock_movements`).
 */
export type ListMeta = (a: {
  db: Tx;
  ctx: RequestContext;
  params: Record<string, string>;
  q: ParsedQuery;
  parent?: { type: string; row: Row };
}) => Promise<Record<string, unknown>>;

/** A definition with its behaviour bound: what the registry serves. */
export interface BoundDefinition extends ResourceDefinition {
  triggers: Record<string, Trigger>;
  hooks: Hooks;
  listMeta?: ListMeta;
}

/**
 * Attach a behaviour to a definition. Every declared trigger needs an action and every action a
 * declared trigger, every loader an attribute: a mismatch fails when the registry is built, not
 * when a client first sends the trigger.
 */
export function bind(def: ResourceDefinition, b: Behaviour = {}): BoundDefinition {
  const triggers = dict<Trigger>({});
  for (const [name, spec] of Object.entries(def.triggers)) {
    const run = b.triggers?.[name];
    if (!run) throw new Error(`${def.type}: trigger ${name} is declared but has no action`);
    triggers[name] = { ...spec, run };
  }
  for (const name of Object.keys(b.triggers ?? {}))
    if (!def.triggers[name]) throw new Error(`${def.type}: trigger ${name} has an action but is not declared`);
  const attributes = dict({ ...def.attributes });
  for (const [name, load] of Object.entries(b.loaders ?? {})) {
    const a = attributes[name];
    if (!a || a.column || a.read) throw new Error(`${def.type}: ${name} is not a computed attribute`);
    attributes[name] = { ...a, load };
  }
  if (!def.listParams !== !b.listMeta) throw new Error(`${def.type}: listParams and listMeta go together`);
  return { ...def, attributes, triggers, hooks: b.hooks ?? {}, listMeta: b.listMeta };
}
