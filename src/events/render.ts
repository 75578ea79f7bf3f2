import type { Caller, Mode, RequestContext } from '../auth/context';
import type { Db } from '../db/client';
import { parseQuery } from '../jsonapi/query';
import { preparePresentation, present } from '../query/present';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { findInMode } from '../rows/find';
import type { Row } from '../rows/row';

export interface Subject {
  mode: Mode;
  resource_type: string;
  resource_id: string;
  /** The row as of the event (to_jsonb of the table's row), when the event recorded one. */
  snapshot: Record<string, unknown> | null;
  market_id: string | null;
}

export interface RenderOptions {
  reg: Registry;
  /** Base of the links in payloads: PUBLIC_URL, or the organization's API host as the SDK derives it. */
  baseUrl: string;
  organizationId: string;
}

/** A row read back from to_jsonb: timestamps become dates again, so they serialize as the API writes them. */
function fromSnapshot(def: ResourceDefinition, snapshot: Record<string, unknown>): Row {
  const row: Row = { ...snapshot };
  for (const [name, a] of Object.entries(def.attributes))
    if (a.type === 'datetime' && a.column && typeof row[name] === 'string') row[name] = new Date(row[name] as string);
  return row;
}

/**
 * The payload: what `GET /api/{type}/{id}?include={include_resources}` answers an admin integration
 * of the mode, through the same read path (presentation, includes, computed attributes). The
 * resource's own attributes are as of the event (its snapshot); included resources and computed
 * attributes as of this first try. A `skus.*` event is rendered as a token of its market sees the
 * SKU, so `inventory` is that market's, and the document's `meta.market_id` names it. Undefined
 * when there is nothing left to render.
 */
export async function renderPayload(
  db: Db,
  o: RenderOptions,
  s: Subject,
  include: string[],
): Promise<string | undefined> {
  const def = o.reg.get(s.resource_type);
  if (!def) return undefined;
  const caller: Caller = {
    applicationId: 'webhooks',
    kind: 'integration',
    role: 'admin',
    mode: s.mode,
    scope: s.market_id ? `market:id:${s.market_id}` : '',
    marketIds: s.market_id ? [s.market_id] : [],
    stockLocationIds: [],
  };
  const ctx: RequestContext = { mode: s.mode, caller, baseUrl: o.baseUrl };
  const q = parseQuery(include.length ? { include: include.join(',') } : {});
  const p = preparePresentation(o.reg, def, q, ctx);
  const row = s.snapshot ? fromSnapshot(def, s.snapshot) : await findInMode(db, def, ctx, s.resource_id);
  if (!row) return undefined;
  const doc = await present(db, ctx, def, [row], p, { organizationId: o.organizationId, single: true });
  return JSON.stringify({
    data: doc.data[0],
    ...(include.length ? { included: doc.included } : {}),
    ...(s.market_id ? { meta: { market_id: s.market_id } } : {}),
  });
}
