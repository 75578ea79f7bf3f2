/**
 * Ransack predicates Commerce Layer accepts in `filter[q][{attribute}_{predicate}]` (docs/wire-format.md#filters).
 * Longest suffix wins, so `not_eq_or_null` is not read as `or_null` of `not_eq`.
 */
export const PREDICATES = [
  'eq',
  'eq_or_null',
  'not_eq',
  'not_eq_or_null',
  'not_eq_all',
  'eq_any',
  'eq_all',
  'not_eq_any',
  'matches',
  'does_not_match',
  'matches_any',
  'matches_all',
  'does_not_match_any',
  'does_not_match_all',
  'lt',
  'lteq',
  'gt',
  'gteq',
  'lt_any',
  'lt_all',
  'lteq_any',
  'lteq_all',
  'gt_any',
  'gt_all',
  'gteq_any',
  'gteq_all',
  'present',
  'blank',
  'null',
  'not_null',
  'in',
  'in_or_null',
  'not_in',
  'not_in_or_null',
  'start',
  'not_start',
  'start_any',
  'start_all',
  'not_start_any',
  'not_start_all',
  'end',
  'not_end',
  'end_any',
  'end_all',
  'not_end_any',
  'not_end_all',
  'cont',
  'not_cont',
  'cont_any',
  'cont_all',
  'not_cont_any',
  'not_cont_all',
  'true',
  'false',
  'jcont',
] as const;

export type Predicate = (typeof PREDICATES)[number];

const BY_LENGTH = [...PREDICATES].sort((a, b) => b.length - a.length);

/** `name_or_reference_cont` → { attributes: 'name_or_reference', predicate: 'cont' } */
export function splitPredicate(key: string): { attributes: string; predicate: Predicate } | undefined {
  for (const p of BY_LENGTH) {
    if (key.length > p.length + 1 && key.endsWith(`_${p}`))
      return { attributes: key.slice(0, -(p.length + 1)), predicate: p };
  }
  return undefined;
}

/** Predicates whose value is a comma-separated list. */
export const isMulti = (p: Predicate) =>
  p.endsWith('_any') ||
  p.endsWith('_all') ||
  p === 'in' ||
  p === 'not_in' ||
  p === 'in_or_null' ||
  p === 'not_in_or_null';

/** Predicates whose value is a flag (`true`/`false`), not an operand. */
export const isFlag = (p: Predicate) =>
  p === 'present' || p === 'blank' || p === 'null' || p === 'not_null' || p === 'true' || p === 'false';

/** Predicates that only make sense on text. */
export const isTextual = (p: Predicate) =>
  /^(matches|does_not_match|start|not_start|end|not_end|cont|not_cont)/.test(p);
