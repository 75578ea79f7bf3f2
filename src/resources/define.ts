import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import type { Violation } from '../jsonapi/errors';
import type { CachePolicy, Row, WithRow } from '../rows/row';
import type { ScopeParams } from '../rows/scope';

/**
 * The resource-definition API: one declarative object per JSON:API type drives document parsing,
 * query validation, SQL, serialization, permissions and the OpenAPI document alike, so what is
 * served, accepted and documented cannot drift apart. Definitions are data: what runs when a type
 * is written (trigger actions, hooks) or read (attribute loaders) is bound to them by type name in
 * wiring.ts (resources/bind.ts says how).
 *
 * @example
 *   defineResource({
 *     type: 'inventory_models', table: inventoryModels,
 *     attributes: {
 *       name: attr.string({
 *         column: inventoryModels.name, required: true, create: true, update: true, filter: true, sort: true,
 *       }),
 *     },
 *     relationships: { inventory_stock_locations: rel.toMany('inventory_stock_locations', 'inventory_model_id') },
 *   })
 */
/** `array`: a list of strings (a webhook's `include_resources`). */
export type AttrType = 'string' | 'integer' | 'boolean' | 'object' | 'datetime' | 'float' | 'array';
export type Action = 'list' | 'retrieve' | 'create' | 'update' | 'delete';

export interface Attribute {
  type: AttrType;
  /** Stored column; the row key is the attribute name. Absent for computed or write-only attributes. */
  column?: AnyPgColumn;
  create?: boolean;
  update?: boolean;
  filter?: boolean;
  sort?: boolean;
  /** Returned in documents (default true). */
  fetch?: boolean;
  required?: boolean;
  /** null accepted on write (default: true unless required). */
  nullable?: boolean;
  enum?: readonly string[];
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  greaterThan?: number;
  /** Sales channels may not send it ("Cannot be passed by sales channels" in Commerce Layer's docs). */
  prohibited?: boolean;
  /** Never shown to sales channels (public clients): signing secrets and the like. */
  hiddenFromSalesChannels?: boolean;
  default?: unknown;
  description?: string;
  /** Computed value for documents. */
  read?: (row: Row, ctx: RequestContext) => unknown;
  /** Computed for a whole page at once (one query for all rows), keyed by row id; bound in wiring.ts. */
  load?: Loader;
  /** In collections only when asked for by name in `fields[type]` (Commerce Layer omits it there). */
  explicitInLists?: boolean;
  /** What `load` needs, selected with the row when it is looked up by id (rows/row.ts). */
  withRow?: WithRow;
}

const kinds = {
  /** can appear in documents */
  shown: (a: Attribute) => a.fetch !== false,
  /** batch-computed */
  loaded: (a: Attribute) => !!a.load,
};
const lists = new WeakMap<object, Partial<Record<keyof typeof kinds, Array<[string, Attribute]>>>>();

/** A definition's attributes of one kind, listed once per definition: hot paths walk these, not `Object.entries`. */
export function attributesOf(
  def: { attributes: Record<string, Attribute> },
  kind: keyof typeof kinds,
): Array<[string, Attribute]> {
  let byKind = lists.get(def);
  if (!byKind) lists.set(def, (byKind = {}));
  return (byKind[kind] ??= Object.entries(def.attributes).filter(([, a]) => kinds[kind](a)));
}

export interface Relationship {
  type: string;
  kind: 'to_one' | 'to_many';
  /** to_one stored on this table (belongs_to): the row key holding the target id. */
  fk?: string;
  /** to_many, or to_one held by the target (has_one): the target's row key pointing back here. */
  inverse?: string;
  create?: boolean;
  update?: boolean;
  required?: boolean;
  /** An attribute that can stand in for this relationship on create (`sku_code` for `sku`). */
  requiredUnless?: string;
  /** Left out on create by a sales channel whose token scopes exactly one market, it is that market. */
  fromScope?: 'market';
  filter?: boolean;
  includable?: boolean;
  description?: string;
  /** Advertised but backed by no stored resource yet: always empty. */
  virtual?: boolean;
}

/** An attribute's values for a page of rows, keyed by row id, in one query for all of them. */
export type Loader = (db: Tx, ctx: RequestContext, rows: Row[]) => Promise<Map<string, unknown>>;

/**
 * A trigger as declared: a write-only boolean attribute (`"_place": true`) that fires an action,
 * never returned. Its action is bound in wiring.ts.
 */
export interface TriggerSpec {
  on: Array<'create' | 'update'>;
  /** Sales channels may not send it. */
  prohibited?: boolean;
  /**
   * Its action sets the row's `updated_at` in its own statement whenever it changes the row, so an
   * update that sends only triggers needs no separate bump of it (a second write of the row).
   */
  touchesRow?: true;
  description: string;
}

export interface Access {
  /** Actions a sales channel may perform (default none: Commerce Layer answers 401). */
  sales_channel?: Action[];
}

export interface ResourceDefinition {
  /**
   * Rows a sales channel may see, as a condition on this definition's table; checked on
   * lists, reads, related endpoints and includes. Absent: sales channels see every row they may access.
   */
  scope?: (p: ScopeParams) => SQL;
  type: string;
  /** Singular name, as in Commerce Layer's schema (`inventory_model`). */
  singular: string;
  description: string;
  table: PgTable;
  actions: Action[];
  attributes: Record<string, Attribute>;
  relationships: Record<string, Relationship>;
  triggers: Record<string, TriggerSpec>;
  access: Access;
  /** Extra top-level filters of Commerce Layer's schema, as Ransack keys: `{ sku_codes: 'sku_code_in' }`. */
  filterAliases?: Record<string, string>;
  /** unique constraint name → attribute it guards, for 422 `taken` with a pointer. */
  uniques: Record<string, string>;
  /** Domain validation of the merged record (create: input; update: row + changes). */
  validate?: (record: Row, ctx: RequestContext) => Violation[];
  /** Message for 423 when a delete is blocked by records that depend on this one. */
  lockedMessage?: string;
  /** Writes leave a `versions` row (default true): what changed, when, and who did it. */
  versioned?: boolean;
  /** A single GET may be answered from memory while nothing it reads has changed (http/single-cache.ts). */
  cache?: CachePolicy;
  /** Order of a list sent without `sort` (default: creation order); the id tie-break follows its first key. */
  defaultSort?: Array<{ field: string; desc: boolean }>;
  /**
   * Query parameters a list of this type takes beyond JSON:API's (`as_of`), shown in the OpenAPI
   * document; its behaviour's `listMeta` reads them and adds to the list's top-level `meta`.
   */
  listParams?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

type AttrOpts = Omit<Attribute, 'type'>;
const mk =
  (type: AttrType) =>
  (o: AttrOpts = {}): Attribute => ({ type, ...o });

export const attr = {
  string: mk('string'),
  integer: mk('integer'),
  boolean: mk('boolean'),
  object: mk('object'),
  datetime: mk('datetime'),
  float: mk('float'),
  array: mk('array'),
};

export const rel = {
  toOne: (type: string, fk: string, o: Partial<Relationship> = {}): Relationship => ({
    type,
    kind: 'to_one',
    fk,
    ...o,
  }),
  hasOne: (type: string, inverse: string, o: Partial<Relationship> = {}): Relationship => ({
    type,
    kind: 'to_one',
    inverse,
    ...o,
  }),
  toMany: (type: string, inverse: string, o: Partial<Relationship> = {}): Relationship => ({
    type,
    kind: 'to_many',
    inverse,
    ...o,
  }),
};

type Input = Omit<ResourceDefinition, 'attributes' | 'triggers' | 'access' | 'uniques' | 'actions'> & {
  attributes: Record<string, Attribute>;
  triggers?: Record<string, TriggerSpec>;
  access?: Access;
  uniques?: Record<string, string>;
  actions?: Action[];
};

/** Adds what every Commerce Layer resource has: id, timestamps, reference, reference_origin, metadata. */
export function defineResource(input: Input): ResourceDefinition {
  const t = input.table as unknown as Record<string, AnyPgColumn>;
  const common: Record<string, Attribute> = {
    id: attr.string({
      column: t.id,
      fetch: false,
      filter: true,
      sort: true,
      description: 'Unique identifier for the resource (hash).',
    }),
    created_at: attr.datetime({
      column: t.created_at,
      filter: true,
      sort: true,
      description: 'Time at which the resource was created.',
    }),
    updated_at: attr.datetime({
      column: t.updated_at,
      filter: true,
      sort: true,
      description: 'Time at which the resource was last updated.',
    }),
    reference: attr.string({
      column: t.reference,
      create: true,
      update: true,
      filter: true,
      sort: true,
      description: 'A string that you can use to add any external identifier to the resource.',
    }),
    reference_origin: attr.string({
      column: t.reference_origin,
      create: true,
      update: true,
      filter: true,
      sort: true,
      description: 'Any identifier of the third party system that defines the reference code.',
    }),
    metadata: attr.object({
      column: t.metadata,
      create: true,
      update: true,
      filter: true,
      description: 'Set of key-value pairs that you can attach to the resource.',
    }),
  };
  const { id, created_at, updated_at, reference, reference_origin, metadata } = common;
  return {
    actions: ['list', 'retrieve', 'create', 'update', 'delete'],
    access: {},
    uniques: {},
    ...input,
    // Commerce Layer's order: own attributes first, then the common ones
    attributes: dict({ ...input.attributes, id, created_at, updated_at, reference, reference_origin, metadata }),
    // every resource exposes its history, except the history itself
    relationships: dict(
      input.type === 'versions'
        ? input.relationships
        : {
            ...input.relationships,
            versions: rel.toMany('versions', 'resource_id', {
              filter: false,
              description: 'The changes to this resource.',
            }),
          },
    ),
    triggers: dict(input.triggers ?? {}),
  } as ResourceDefinition;
}

/**
 * Name → member maps without a prototype: client-supplied names such as `constructor` or
 * `__proto__` must look up nothing, not Object.prototype's members.
 */
export function dict<T>(o: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, o);
}
