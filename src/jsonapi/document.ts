import { errors } from './errors';
import type { Identifier, Linkage } from './serialize';

/**
 * A create/update document reduced to its parts (docs/wire-format.md#writes); the resource
 * definition checks the rest.
 */
export interface ParsedDocument {
  id?: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, Linkage>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function identifier(v: unknown, pointer: string): Identifier {
  if (!isObject(v) || typeof v.type !== 'string' || typeof v.id !== 'string' || v.id === '') {
    throw errors.invalidDataFormat('A resource identifier needs a string type and id.', pointer);
  }
  return { type: v.type, id: v.id };
}

export function parseDocument(body: unknown, expect: { type: string; id?: string }): ParsedDocument {
  if (!isObject(body)) throw errors.paramMissing('data', '/data');
  const data = body.data;
  if (data === undefined) throw errors.paramMissing('data', '/data');
  if (!isObject(data)) throw errors.invalidDataFormat('data must be a resource object.');
  if (data.type === undefined) throw errors.paramMissing('type', '/data/type');
  if (typeof data.type !== 'string') throw errors.invalidDataFormat('type must be a string.', '/data/type');
  if (data.type !== expect.type) throw errors.typeMismatch(data.type, expect.type);
  if (expect.id === undefined) {
    if (data.id !== undefined) throw errors.paramNotAllowed('id', '/data/id');
  } else {
    if (data.id === undefined) throw errors.paramMissing('id', '/data/id');
    if (data.id !== expect.id)
      throw errors.keyNotIncludedInUrl(typeof data.id === 'string' ? data.id : safeJson(data.id));
  }
  const attributes = data.attributes ?? {};
  if (!isObject(attributes)) throw errors.invalidDataFormat('attributes must be an object.', '/data/attributes');
  const rels = data.relationships ?? {};
  if (!isObject(rels)) throw errors.invalidDataFormat('relationships must be an object.', '/data/relationships');
  const relationships: Record<string, Linkage> = Object.create(null);
  for (const [name, r] of Object.entries(rels)) {
    const pointer = `/data/relationships/${name}`;
    if (!isObject(r) || !('data' in r)) throw errors.invalidDataFormat(`${name} must be an object with data.`, pointer);
    const d = r.data;
    relationships[name] =
      d === null
        ? null
        : Array.isArray(d)
          ? d.map((x, i) => identifier(x, `${pointer}/data/${i}`))
          : identifier(d, `${pointer}/data`);
  }
  for (const k of Object.keys(data)) {
    if (!['type', 'id', 'attributes', 'relationships', 'links', 'meta'].includes(k))
      throw errors.paramNotAllowed(k, `/data/${k}`);
  }
  return { id: expect.id, attributes, relationships };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 100) ?? typeof v;
  } catch {
    return typeof v;
  }
}
