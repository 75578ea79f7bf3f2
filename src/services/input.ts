import type { RequestContext } from '../auth/context';
import type { Tx } from '../db/tx';
import type { ParsedDocument } from '../jsonapi/document';
import { errors, type Violation } from '../jsonapi/errors';
import { relationship, violation } from '../jsonapi/violations';
import type { ResourceDefinition } from '../resources/define';
import type { Registry } from '../resources/registry';
import { findRow } from '../rows/find';
import type { Row } from '../rows/row';
import { checkTrigger, checkValue } from './values';

export type Op = 'create' | 'update';

export interface CheckedInput {
  /** Column values keyed by row key (attributes and foreign keys). */
  values: Row;
  /** Attributes as sent (validated), for hooks that read write-only attributes. */
  attributes: Record<string, unknown>;
  /** Trigger names sent as true, in the order sent. */
  triggers: string[];
  /** Relationship targets resolved in this mode. */
  related: Record<string, Row | null>;
}

/**
 * Check a parsed document against the definition: unknown or non-writable members are 400
 * `PARAM_NOT_ALLOWED`; bad values and missing required members are one 422 listing every problem.
 */
export async function checkInput(
  tx: Tx,
  reg: Registry,
  def: ResourceDefinition,
  doc: ParsedDocument,
  op: Op,
  ctx: RequestContext,
): Promise<CheckedInput> {
  const out: CheckedInput = { values: {}, attributes: {}, triggers: [], related: {} };
  const violations: Violation[] = [];
  const sales = ctx.caller.kind === 'sales_channel';
  for (const [name, v] of Object.entries(doc.attributes)) {
    const pointer = `/data/attributes/${name}`;
    const trig = def.triggers[name];
    if (trig) {
      if (!trig.on.includes(op) || (trig.prohibited && sales)) throw errors.paramNotAllowed(name, pointer);
      const r = checkTrigger(name, v);
      if ('violation' in r) violations.push(r.violation);
      else if (r.fire) out.triggers.push(name);
      continue;
    }
    const a = def.attributes[name];
    if (!a || !(op === 'create' ? a.create : a.update) || (a.prohibited && sales))
      throw errors.paramNotAllowed(name, pointer);
    const r = checkValue(name, a, v);
    if ('violation' in r) violations.push(r.violation);
    else {
      out.attributes[name] = r.value;
      if (a.column) out.values[name] = r.value;
    }
  }
  for (const [name, linkage] of Object.entries(doc.relationships)) {
    const pointer = `/data/relationships/${name}`;
    const r = def.relationships[name];
    if (!r?.fk || !(op === 'create' ? r.create : r.update)) throw errors.paramNotAllowed(name, pointer);
    if (Array.isArray(linkage)) throw errors.invalidDataFormat(`${name} is a to-one relationship.`, `${pointer}/data`);
    if (linkage === null) {
      if (r.required) violations.push(violation.blank(relationship(name)));
      else {
        out.values[r.fk] = null;
        out.related[name] = null;
      }
      continue;
    }
    const target = reg.target(r);
    if (linkage.type !== r.type || !target) throw errors.typeMismatch(linkage.type, r.type);
    const row = await findRow(tx, target, ctx, linkage.id);
    if (!row) throw errors.invalidResourceId(r.type, linkage.id, `${pointer}/data/id`);
    out.values[r.fk] = row.id;
    out.related[name] = row;
  }
  if (op === 'create') {
    for (const [name, a] of Object.entries(def.attributes)) {
      if (a.required && a.create && out.values[name] === undefined && !violations.some((v) => v.attribute === name)) {
        violations.push(violation.blank(name));
      }
    }
    // missing required relationships belong in the same 422 as missing attributes
    for (const [name, r] of Object.entries(def.relationships)) {
      const standIn = r.requiredUnless !== undefined && out.attributes[r.requiredUnless] !== undefined;
      if (!r.required || !r.fk || name in doc.relationships || standIn) continue;
      const scoped = r.fromScope && sales && ctx.caller.marketIds.length === 1 ? ctx.caller.marketIds[0] : undefined;
      const target = scoped && reg.target(r);
      const row = target ? await findRow(tx, target, ctx, scoped!) : undefined; // gone or disabled: still blank
      if (row) {
        out.values[r.fk] = row.id;
        out.related[name] = row;
      } else violations.push(violation.blank(relationship(name)));
    }
  }
  if (violations.length) throw errors.validation(violations);
  return out;
}

/** Required relationships after hooks had their say (e.g. `sku_code` standing in for `sku`). */
export function requireRelationships(def: ResourceDefinition, record: Row): void {
  const missing: Violation[] = [];
  for (const [name, r] of Object.entries(def.relationships)) {
    if (r.required && r.fk && (record[r.fk] === undefined || record[r.fk] === null)) {
      missing.push(violation.blank(relationship(name)));
    }
  }
  if (missing.length) throw errors.validation(missing);
}
