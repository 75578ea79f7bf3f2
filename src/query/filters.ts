import { and, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { errors } from '../jsonapi/errors';
import { isFlag, isMulti, isTextual, splitPredicate, type Predicate } from '../jsonapi/predicates';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import { resolveAttrPath, type AttrPath, type Registry } from '../resources/registry';
import { coerceFilterValue, likeEscape, parseFlag } from './values';

type Col = AnyPgColumn;
const colOf = (t: PgTable, key: string) => (t as unknown as Record<string, AnyPgColumn>)[key]!;

/** Turns `filter[q]` and top-level filters into one WHERE condition (spec §1.5), or 400s. */
export function buildFilters(reg: Registry, def: ResourceDefinition, table: PgTable, q: ParsedQuery): SQL | undefined {
  const conds: SQL[] = [];
  let n = 0;
  const nextAlias = () => `f${++n}`;
  for (const { key, value } of q.ransack) conds.push(ransack(reg, def, table, key, value, nextAlias));
  for (const { key, value } of q.filters) conds.push(topLevel(reg, def, table, key, value, nextAlias));
  return conds.length ? and(...conds) : undefined;
}

function ransack(reg: Registry, def: ResourceDefinition, table: PgTable, key: string, value: string | string[], nextAlias: () => string): SQL {
  const split = splitPredicate(key);
  if (!split) throw errors.filterNotAllowed(`q][${key}`);
  const { attributes, predicate } = split;
  const paths = resolveCombination(reg, def, attributes, key);
  const conds = paths.paths.map((p) => {
    if (p.attr.type === 'object' && predicate !== 'jcont' && !isFlag(predicate)) throw errors.filterNotAllowed(`q][${key}`);
    if (predicate === 'jcont' && p.attr.type !== 'object') throw errors.filterNotAllowed(`q][${key}`);
    if (isTextual(predicate) && p.attr.type !== 'string') throw errors.filterNotAllowed(`q][${key}`);
    if ((predicate === 'true' || predicate === 'false') && p.attr.type !== 'boolean') throw errors.filterNotAllowed(`q][${key}`);
    return through(p, table, nextAlias, (col) => predicateSql(col, p, predicate, value, key));
  });
  return (paths.join === 'or' ? or(...conds) : and(...conds))!;
}

/** `a_or_b` / `a_and_b` combinations; a single attribute whose own name contains `_or_` wins. */
function resolveCombination(reg: Registry, def: ResourceDefinition, attributes: string, key: string) {
  const whole = resolveAttrPath(reg, def, attributes);
  if (whole) return { join: 'and' as const, paths: [whole] };
  for (const join of ['or', 'and'] as const) {
    const parts = attributes.split(`_${join}_`);
    if (parts.length < 2) continue;
    const paths = parts.map((p) => resolveAttrPath(reg, def, p));
    if (paths.every(Boolean)) return { join, paths: paths as AttrPath[] };
  }
  throw errors.filterNotAllowed(`q][${key}`);
}

/** Wrap a condition on the path's attribute in EXISTS subqueries, one per relationship hop. */
function through(p: AttrPath, table: PgTable, nextAlias: () => string, cond: (col: Col) => SQL): SQL {
  if (p.fkShortcut) return cond(colOf(table, p.fkShortcut.key));
  if (p.hops.length === 0) return cond(colOf(table, p.name));
  const [hop, ...rest] = p.hops;
  const a = alias(hop!.to.table, nextAlias());
  const inner = through({ ...p, hops: rest }, a, nextAlias, cond);
  const link = hop!.rel.fk
    ? sql`${colOf(a, 'id')} = ${colOf(table, hop!.rel.fk)}`
    : sql`${colOf(a, hop!.rel.inverse!)} = ${colOf(table, 'id')}`;
  return sql`exists (select 1 from ${a} where ${link} and ${colOf(a, 'mode')} = ${colOf(table, 'mode')} and ${inner})`;
}

function operands(p: AttrPath, predicate: Predicate, value: string | string[], key: string): unknown[] {
  const raw = Array.isArray(value) ? value.flatMap((v) => v.split(',')) : isMulti(predicate) ? value.split(',') : [value];
  if (!isMulti(predicate) && raw.length !== 1) throw errors.invalidFilterValue(`q][${key}`, String(value), 'must be a single value');
  if (raw.length === 0 || raw.length > 1000) throw errors.invalidFilterValue(`q][${key}`, String(value), 'must list between 1 and 1000 values');
  if (predicate === 'jcont') return [jsonObject(raw[0]!, key)];
  const textual = isTextual(predicate);
  return raw.map((r) => {
    const v = textual ? r : coerceFilterValue(p.attr.type, r);
    if (v === undefined) throw errors.invalidFilterValue(`q][${key}`, r, `is not a valid ${p.attr.type}`);
    return v;
  });
}

function jsonObject(raw: string, key: string): string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw errors.invalidFilterValue(`q][${key}`, raw, 'is not a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.invalidFilterValue(`q][${key}`, raw, 'is not a JSON object');
  return JSON.stringify(v);
}

function predicateSql(c: Col, p: AttrPath, predicate: Predicate, value: string | string[], key: string): SQL {
  if (isFlag(predicate)) {
    const on = parseFlag(Array.isArray(value) ? value[0] ?? '' : value);
    if (on === undefined) throw errors.invalidFilterValue(`q][${key}`, String(value), 'must be true or false');
    const isText = p.attr.type === 'string';
    const present = isText ? sql`(${c} is not null and ${c} <> '')` : sql`${c} is not null`;
    switch (predicate) {
      case 'present': return on ? present : sql`not ${present}`;
      case 'blank': return on ? sql`not ${present}` : present;
      case 'null': return on ? sql`${c} is null` : sql`${c} is not null`;
      case 'not_null': return on ? sql`${c} is not null` : sql`${c} is null`;
      case 'true': return on ? sql`${c} is true` : sql`${c} is not true`;
      default: return on ? sql`${c} is false` : sql`${c} is not false`;
    }
  }
  const vs = operands(p, predicate, value, key);
  const v = vs[0];
  const base = predicate.replace(/_(any|all)$/, '');
  const combine = predicate.endsWith('_all') ? and : or;
  const each = (f: (x: unknown) => SQL) => (vs.length === 1 ? f(v) : combine(...vs.map(f))!);
  switch (predicate) {
    case 'eq_or_null': return sql`(${c} = ${v} or ${c} is null)`;
    case 'not_eq_or_null': return sql`(${c} <> ${v} or ${c} is null)`;
    case 'in': return inArray(c, vs);
    case 'not_in': return notInArray(c, vs);
    case 'in_or_null': return sql`(${inArray(c, vs)} or ${c} is null)`;
    case 'not_in_or_null': return sql`(${notInArray(c, vs)} or ${c} is null)`;
    case 'jcont': return sql`${c} @> ${v}::jsonb`;
  }
  switch (base) {
    case 'eq': return each((x) => sql`${c} = ${x}`);
    case 'not_eq': return each((x) => sql`${c} <> ${x}`);
    case 'lt': return each((x) => sql`${c} < ${x}`);
    case 'lteq': return each((x) => sql`${c} <= ${x}`);
    case 'gt': return each((x) => sql`${c} > ${x}`);
    case 'gteq': return each((x) => sql`${c} >= ${x}`);
    case 'matches': return each((x) => sql`${c} ilike ${x}`);
    case 'does_not_match': return each((x) => sql`${c} not ilike ${x}`);
    case 'start': return each((x) => sql`${c} ilike ${likeEscape(String(x)) + '%'}`);
    case 'not_start': return each((x) => sql`${c} not ilike ${likeEscape(String(x)) + '%'}`);
    case 'end': return each((x) => sql`${c} ilike ${'%' + likeEscape(String(x))}`);
    case 'not_end': return each((x) => sql`${c} not ilike ${'%' + likeEscape(String(x))}`);
    case 'cont': return each((x) => sql`${c} ilike ${'%' + likeEscape(String(x)) + '%'}`);
    case 'not_cont': return each((x) => sql`${c} not ilike ${'%' + likeEscape(String(x)) + '%'}`);
  }
  throw errors.filterNotAllowed(`q][${key}`);
}

/** `filter[ids]`, `filter[{timestamp}_from|_to]`, and `filter[{attribute}]=a,b` (JSON:API resources style). */
function topLevel(reg: Registry, def: ResourceDefinition, table: PgTable, key: string, value: string, nextAlias: () => string): SQL {
  const ts = key.match(/^(.+)_(from|to)$/);
  if (ts && def.attributes[ts[1]!]?.type === 'datetime' && def.attributes[ts[1]!]!.filter) {
    return ransack(reg, def, table, `${ts[1]}_${ts[2] === 'from' ? 'gteq' : 'lteq'}`, value, nextAlias);
  }
  if (key === 'ids') return ransack(reg, def, table, 'id_in', value, nextAlias);
  const path = resolveAttrPath(reg, def, key);
  if (!path || path.attr.type === 'object') throw errors.filterNotAllowed(key);
  return ransack(reg, def, table, `${key}_in`, value, nextAlias);
}
