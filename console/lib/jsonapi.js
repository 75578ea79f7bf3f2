// JSON:API documents to plain objects: attributes flattened, relationships resolved from `included`.

const key = (r) => `${r.type}/${r.id}`;

/** `{ data, included }` → one object or an array of `{ id, type, ...attributes, ...relationships }`. */
export function flatten(doc) {
  const index = new Map();
  for (const r of [...(doc.included ?? []), ...[doc.data ?? []].flat()]) index.set(key(r), r);
  const seen = new Map();
  const build = (ref) => {
    const k = key(ref);
    if (seen.has(k)) return seen.get(k);
    const raw = index.get(k);
    const out = { id: ref.id, type: ref.type, ...(raw?.attributes ?? {}) };
    seen.set(k, out);
    for (const [name, rel] of Object.entries(raw?.relationships ?? {})) {
      if (!rel || !('data' in rel)) continue;
      out[name] = Array.isArray(rel.data) ? rel.data.map(build) : rel.data ? build(rel.data) : null;
    }
    return out;
  };
  return Array.isArray(doc.data) ? doc.data.map(build) : doc.data ? build(doc.data) : null;
}

/** A JSON:API resource document for a create or an update. */
export function resourceDoc(type, attributes = {}, relationships = {}, id) {
  const rels = {};
  for (const [name, ref] of Object.entries(relationships)) rels[name] = { data: ref };
  return { data: { type, ...(id ? { id } : {}), attributes, relationships: rels } };
}

/** `{ 'filter[q][code_cont]': 'x', include: 'a,b' }` → `?filter%5Bq%5D…`; empty values are left out. */
export function query(params = {}) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
