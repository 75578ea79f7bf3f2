import { and, getTableName, or, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias, type PgTable } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../auth/context';
import { errors } from '../jsonapi/errors';
import { isFlag, isMulti, isTextual, type Predicate, splitPredicate } from '../jsonapi/predicates';
import type { ParsedQuery } from '../jsonapi/query';
import type { ResourceDefinition } from '../resources/define';
import { type AttrPath, type Registry, resolveAttrPath } from '../resources/registry';
import { scopeValues } from '../rows/scope';
import { coerceFilterValue, likeEscape, parseFlag } from './values';

type Col = AnyPgColumn;
type Aliases = (() => string) & { guard: Guard };
/** Plain parameters (drizzle's inArray would map them through the column, which expects Dates for timestamps). */
const list = (vs: unknown[]) =>
  sql.join(
    vs.map((v) => sql`${v}`),
    sql`, `,
  );
const colOf = (t: PgTable, key: string) => (t as unknown as Record<string, AnyPgColumn>)[key]!;

/**
 * What a filter may reach through relationships: for sales channels only types they may read, and
 * only the rows their scope shows (a filter must not reveal what a read would hide).
 */
export type Guard = (target: ResourceDefinition) => SQL | undefined;

export const guardFor =
  (ctx: RequestContext): Guard =>
  (target) => {
    if (ctx.caller.kind !== 'sales_channel') return undefined;
    if (!target.access.sales_channel?.includes('retrieve')) throw errors.unauthorized();
    return target.scope?.(scopeValues(ctx));
  };

/** Turns `filter[q]` (Ransack predicates) and top-level filters into one WHERE condition, or 400s. */
export function buildFilters(
  reg: Registry,
  def: ResourceDefinition,
  table: PgTable,
  q: ParsedQuery,
  guard: Guard = () => undefined,
): SQL | undefined {
  const conds: SQL[] = [];
  let n = 0;
  const alias = () => `f${++n}`;
  const nextAlias = Object.assign(alias, { guard });
  // Ransack ignores blank values: `filter[q][name_eq]=` filters nothing (and `a,,b` means `a,b`)
  for (const { key, value } of q.ransack) {
    const v = nonBlank(value);
    if (v !== undefined) conds.push(ransack(reg, def, table, key, v, nextAlias));
  }
  for (const { key, value } of q.filters) {
    const v = nonBlank(value);
    if (v !== undefined) conds.push(topLevel(reg, def, table, key, v as string, nextAlias));
  }
  return conds.length ? and(...conds) : undefined;
}

function nonBlank(value: string | string[]): string | string[] | undefined {
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter((v) => v.trim() !== '');
  if (!items.length) return undefined;
  return Array.isArray(value) ? items : items.join(',');
}

/** `label` is how the client wrote the filter (inside `filter[…]`), for error messages. */
function ransack(
  reg: Registry,
  def: ResourceDefinition,
  table: PgTable,
  key: string,
  value: string | string[],
  nextAlias: Aliases,
  label: string = `q][${key}`,
): SQL {
  const split = splitPredicate(key);
  if (!split) throw errors.filterNotAllowed(label);
  const { attributes, predicate } = split;
  const paths = resolveCombination(reg, def, attributes, label);
  const conds = paths.paths.map((p) => {
    const wrongType =
      (p.attr.type === 'object' && predicate !== 'jcont' && !isFlag(predicate)) ||
      (predicate === 'jcont' && p.attr.type !== 'object') ||
      (isTextual(predicate) && p.attr.type !== 'string') ||
      ((predicate === 'true' || predicate === 'false') && p.attr.type !== 'boolean');
    if (wrongType) throw errors.filterNotAllowed(label);
    return through(p, table, nextAlias, (col) => predicateSql(col, p, predicate, value, label));
  });
  return (paths.join === 'or' ? or(...conds) : and(...conds))!;
}

/** `a_or_b` / `a_and_b` combinations; a single attribute whose own name contains `_or_` wins. */
function resolveCombination(reg: Registry, def: ResourceDefinition, attributes: string, label: string) {
  const whole = resolveAttrPath(reg, def, attributes);
  if (whole) return { join: 'and' as const, paths: [whole] };
  for (const join of ['or', 'and'] as const) {
    const parts = attributes.split(`_${join}_`);
    if (parts.length < 2) continue;
    const paths = parts.map((p) => resolveAttrPath(reg, def, p));
    if (paths.every(Boolean)) return { join, paths: paths as AttrPath[] };
  }
  throw errors.filterNotAllowed(label);
}

/** Wrap a condition on the path's attribute in EXISTS subqueries, one per relationship hop. */
function through(p: AttrPath, table: PgTable, nextAlias: Aliases, cond: (col: Col) => SQL): SQL {
  // a belongs_to `{rel}_id` at the end of the path reads the foreign key of the last table walked
  if (p.hops.length === 0) return cond(colOf(table, p.fkShortcut ? p.fkShortcut.key : p.name));
  const [hop, ...rest] = p.hops;
  const name = nextAlias();
  const a = alias(hop!.to.table, name);
  const inner = through({ ...p, hops: rest }, a, nextAlias, cond);
  const link = hop!.rel.fk
    ? sql`${colOf(a, 'id')} = ${colOf(table, hop!.rel.fk)}`
    : sql`${colOf(a, hop!.rel.inverse!)} = ${colOf(table, 'id')}`;
  const scope = nextAlias.guard(hop!.to);
  // the scope names the unaliased table, so it is applied in a subquery of its own
  const scoped = scope
    ? sql` and ${colOf(a, 'id')} in (select ${colOf(hop!.to.table, 'id')} from ${hop!.to.table} where ${scope})`
    : sql``;
  return sql`exists (select 1 from ${sql.identifier(getTableName(hop!.to.table))} as ${sql.identifier(name)}
    where ${link} and ${colOf(a, 'mode')} = ${colOf(table, 'mode')}${scoped} and ${inner})`;
}

function operands(p: AttrPath, predicate: Predicate, value: string | string[], label: string): unknown[] {
  const raw = Array.isArray(value)
    ? value.flatMap((v) => v.split(','))
    : isMulti(predicate)
      ? value.split(',')
      : [value];
  if (!isMulti(predicate) && raw.length !== 1)
    throw errors.invalidFilterValue(label, String(value), 'must be a single value');
  if (raw.length === 0 || raw.length > 1000)
    throw errors.invalidFilterValue(label, String(value), 'must list between 1 and 1000 values');
  if (predicate === 'jcont') return [jsonObject(raw[0]!, label)];
  const textual = isTextual(predicate);
  return raw.map((r) => {
    const v = textual ? r : coerceFilterValue(p.attr.type, r);
    if (v === undefined) throw errors.invalidFilterValue(label, r, `is not a valid ${p.attr.type}`);
    return v;
  });
}

function jsonObject(raw: string, label: string): string {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw errors.invalidFilterValue(label, raw, 'is not a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw errors.invalidFilterValue(label, raw, 'is not a JSON object');
  if (depth(v) > 32) throw errors.invalidFilterValue(label, raw.slice(0, 40), 'is nested too deeply');
  return JSON.stringify(v);
}

function predicateSql(c: Col, p: AttrPath, predicate: Predicate, value: string | string[], label: string): SQL {
  if (isFlag(predicate)) {
    const on = parseFlag(Array.isArray(value) ? (value[0] ?? '') : value);
    if (on === undefined) throw errors.invalidFilterValue(label, String(value), 'must be true or false');
    const isText = p.attr.type === 'string';
    const present = isText ? sql`(${c} is not null and ${c} <> '')` : sql`${c} is not null`;
    switch (predicate) {
      case 'present':
        return on ? present : sql`not ${present}`;
      case 'blank':
        return on ? sql`not ${present}` : present;
      case 'null':
        return on ? sql`${c} is null` : sql`${c} is not null`;
      case 'not_null':
        return on ? sql`${c} is not null` : sql`${c} is null`;
      case 'true':
        return on ? sql`${c} is true` : sql`${c} is not true`;
      default:
        return on ? sql`${c} is false` : sql`${c} is not false`;
    }
  }
  const vs = operands(p, predicate, value, label);
  const v = vs[0];
  const base = predicate.replace(/_(any|all)$/, '');
  const combine = predicate.endsWith('_all') ? and : or;
  const each = (f: (x: unknown) => SQL) => (vs.length === 1 ? f(v) : combine(...vs.map(f))!);
  switch (predicate) {
    case 'eq_or_null':
      return sql`(${c} = ${v} or ${c} is null)`;
    case 'not_eq_or_null':
      return sql`(${c} <> ${v} or ${c} is null)`;
    case 'in':
      return sql`${c} in (${list(vs)})`;
    case 'not_in':
      return sql`${c} not in (${list(vs)})`;
    case 'in_or_null':
      return sql`(${c} in (${list(vs)}) or ${c} is null)`;
    case 'not_in_or_null':
      return sql`(${c} not in (${list(vs)}) or ${c} is null)`;
    case 'jcont':
      return sql`${c} @> ${v}::jsonb`;
  }
  switch (base) {
    case 'eq':
      return each((x) => sql`${c} = ${x}`);
    case 'not_eq':
      return each((x) => sql`${c} <> ${x}`);
    case 'lt':
      return each((x) => sql`${c} < ${x}`);
    case 'lteq':
      return each((x) => sql`${c} <= ${x}`);
    case 'gt':
      return each((x) => sql`${c} > ${x}`);
    case 'gteq':
      return each((x) => sql`${c} >= ${x}`);
    case 'matches':
      return each((x) => sql`${c} ilike ${likePattern(x, label)}`);
    case 'does_not_match':
      return each((x) => sql`${c} not ilike ${likePattern(x, label)}`);
    case 'start':
      return each((x) => startsWith(c, String(x)));
    case 'not_start':
      return each((x) => sql`${c} not ilike ${`${likeEscape(String(x))}%`}`);
    case 'end':
      return each((x) => sql`${c} ilike ${`%${likeEscape(String(x))}`}`);
    case 'not_end':
      return each((x) => sql`${c} not ilike ${`%${likeEscape(String(x))}`}`);
    case 'cont':
      return each((x) => sql`${c} ilike ${`%${likeEscape(String(x))}%`}`);
    case 'not_cont':
      return each((x) => sql`${c} not ilike ${`%${likeEscape(String(x))}%`}`);
  }
  throw errors.filterNotAllowed(label);
}

/** `filter[ids]`, `filter[{timestamp}_from|_to]`, and `filter[{attribute}]=a,b` (JSON:API resources style). */
function topLevel(
  reg: Registry,
  def: ResourceDefinition,
  table: PgTable,
  key: string,
  value: string,
  nextAlias: Aliases,
): SQL {
  const ts = key.match(/^(.+)_(from|to)$/);
  if (ts && def.attributes[ts[1]!]?.type === 'datetime' && def.attributes[ts[1]!]!.filter) {
    return ransack(reg, def, table, `${ts[1]}_${ts[2] === 'from' ? 'gteq' : 'lteq'}`, value, nextAlias, key);
  }
  if (key === 'ids') return ransack(reg, def, table, 'id_in', value, nextAlias, key);
  const alias = def.filterAliases && Object.hasOwn(def.filterAliases, key) ? def.filterAliases[key] : undefined;
  if (alias) return ransack(reg, def, table, alias, value, nextAlias, key);
  const path = resolveAttrPath(reg, def, key);
  if (!path || path.attr.type === 'object') throw errors.filterNotAllowed(key);
  return ransack(reg, def, table, `${key}_in`, value, nextAlias, key);
}

function depth(v: unknown, d = 0): number {
  if (d > 32 || typeof v !== 'object' || v === null) return d;
  let max = d + 1;
  for (const x of Object.values(v)) max = Math.max(max, depth(x, d + 1));
  return max;
}

/**
 * `ILIKE 'x%'` as the bytewise range of lowercased strings that start with lower('x') (PostgreSQL's
 * ILIKE lowercases both sides): an index on `lower(c) text_pattern_ops` serves it, and with `c` in
 * that index too, a count reads the index alone (skus.code has one). The upper bound is the prefix
 * with its last character's code point + 1; a prefix ending in U+D7FF or U+10FFFF has no such
 * character, and keeps the LIKE with the lower bound.
 */
function startsWith(c: Col, prefix: string): SQL {
  // Ransack ignores a blank value: every row with a value
  if (prefix === '') return sql`${c} is not null`;
  const low = sql`lower(${c}) ~>=~ lower(${prefix})`;
  const last = prefix.codePointAt(prefix.length - 1) ?? 0;
  if (last === 0xd7ff || last === 0x10ffff || (last >= 0xdc00 && last <= 0xdfff))
    return sql`(lower(${c}) like lower(${`${likeEscape(prefix)}%`}) and ${low})`;
  // UTF-8 orders bytes as code points: the strings starting with p are exactly [p, p with its last
  // character raised by one), so the range alone is the condition, and its row estimate is exact
  const high = sql`lower(${c}) ~<~ (left(lower(${prefix}), -1) || chr(ascii(right(lower(${prefix}), 1)) + 1))`;
  return sql`(${low} and ${high})`;
}

/** A client's LIKE pattern; a trailing lone backslash is invalid in PostgreSQL. */
function likePattern(x: unknown, label: string): string {
  const p = String(x);
  if (/(^|[^\\])(\\\\)*\\$/.test(p)) throw errors.invalidFilterValue(label, p, 'must not end with an escape character');
  return p;
}
