import { rawClient } from '../db/client';
import type { Tx } from '../db/tx';
import type { ParsedDocument } from '../jsonapi/document';
import type { Linkage } from '../jsonapi/serialize';
import type { ResourceDefinition } from '../resources/define';
import { activeReserved } from '../services/stock';
import type { Input } from './inputs';

/**
 * How an import writes one type (README, "Imports and exports"). `parent`: the relationship `parent_resource_id` fills
 * when an input leaves it out. `existing`: the record an input without `id` updates, found by its
 * natural key (stock items: SKU + stock location; codes unique per mode), so an import is an upsert.
 * `key`: what names an input in `errors_log` and `warnings_log`. `warn`: what to say of an update
 * that was applied but deserves a look (its messages go to `warnings_log`, the input counts in
 * `warnings_count`).
 */
interface ImportType {
  parent?: string;
  existing?: (tx: Tx, mode: string, doc: ParsedDocument) => Promise<string | undefined>;
  key: (input: Input) => unknown;
  warn?: (tx: Tx, id: string, doc: ParsedDocument) => Promise<string[]>;
}

const linkId = (l: Linkage | undefined) => (l && !Array.isArray(l) ? l.id : undefined);

const byCode =
  (table: string) =>
  async (tx: Tx, mode: string, doc: ParsedDocument): Promise<string | undefined> => {
    const code = doc.attributes.code;
    if (typeof code !== 'string') return undefined;
    const [r] = await rawClient(tx).unsafe(`select id from ${table} where mode = $1 and code = $2`, [mode, code]);
    return r?.id as string | undefined;
  };

const byCodeKey = (i: Input) => i.code ?? i.name;

export const importTypes: Record<string, ImportType> = {
  stock_items: {
    parent: 'stock_location',
    existing: async (tx, mode, doc) => {
      const location = linkId(doc.relationships.stock_location);
      const code = doc.attributes.sku_code;
      const sku = linkId(doc.relationships.sku);
      if (!location || (typeof code !== 'string' && !sku)) return undefined;
      const sql = rawClient(tx);
      const [r] =
        typeof code === 'string'
          ? await sql`select si.id from stock_items si join skus s on s.id = si.sku_id
              where si.mode = ${mode} and si.stock_location_id = ${location} and s.mode = ${mode} and s.code = ${code}`
          : await sql`select id from stock_items where mode = ${mode} and stock_location_id = ${location} and
            sku_id = ${sku!}`;
      return r?.id as string | undefined;
    },
    key: (i) => i.sku_code ?? i.sku_id,
    // a count below what is held goes through, as through the API, leaving a shortfall: said, not refused
    warn: async (tx, id, doc) => {
      if (typeof doc.attributes.quantity !== 'number') return [];
      const [r] = await rawClient(tx)`select quantity from stock_items where id = ${id}`;
      const held = await activeReserved(tx, id);
      const q = Number(r?.quantity);
      return held > q
        ? [`quantity ${q} is below the reserved stock (${held}): the holds are short by ${held - q}`]
        : [];
    },
  },
  skus: { existing: byCode('skus'), key: byCodeKey },
  stock_locations: { existing: byCode('stock_locations'), key: byCodeKey },
  shipping_categories: { existing: byCode('shipping_categories'), key: byCodeKey },
  addresses: { key: (i) => i.name ?? i.line_1 },
  inventory_models: { key: (i) => i.name },
  inventory_stock_locations: { parent: 'inventory_model', key: (i) => i.stock_location_id },
  stock_transfers: { key: (i) => i.sku_code ?? i.number },
};

/**
 * One input as a JSON:API document: `<relationship>_id` members become relationships, the rest
 * attributes (triggers included), `id` names the record to update.
 */
export function inputDocument(def: ResourceDefinition, input: Input, parentId?: string | null): ParsedDocument {
  const doc: ParsedDocument = { attributes: {}, relationships: Object.create(null) };
  for (const [k, v] of Object.entries(input)) {
    if (k === 'id') {
      if (typeof v === 'string' && v !== '') doc.id = v;
      continue;
    }
    const rel = k.endsWith('_id') ? def.relationships[k.slice(0, -3)] : undefined;
    if (rel?.fk) doc.relationships[k.slice(0, -3)] = v === null ? null : { type: rel.type, id: String(v) };
    else doc.attributes[k] = v;
  }
  const parent = importTypes[def.type]?.parent;
  if (parent && parentId && !(parent in doc.relationships))
    doc.relationships[parent] = { type: def.relationships[parent]!.type, id: parentId };
  return doc;
}

/** The name of an input in `errors_log`: its natural key, else its id, else its position (1-based). */
export function inputKey(type: string, input: Input, index: number, taken: Record<string, unknown>): string {
  const k = importTypes[type]?.key(input) ?? input.id;
  const base = typeof k === 'string' || typeof k === 'number' ? String(k) : `#${index + 1}`;
  return base in taken ? `${base} (#${index + 1})` : base;
}
