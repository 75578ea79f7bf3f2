import type { Violation } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Attribute } from '../resources/define';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text PostgreSQL can store: no NUL, no unpaired surrogate, in keys or values, at any depth. */
export function storableText(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof v === 'string') return !v.includes('\u0000') && v.isWellFormed();
  if (Array.isArray(v)) return v.every((x) => storableText(x, depth + 1));
  if (isPlainObject(v)) return Object.entries(v).every(([k, x]) => storableText(k) && storableText(x, depth + 1));
  return true;
}

/**
 * Check one attribute value against its definition. Returns the value to store, or a violation
 * in Rails' vocabulary (`meta.error`), which the official clients show next to the field.
 */
export function checkValue(name: string, a: Attribute, v: unknown): { value: unknown } | { violation: Violation } {
  // echo scalars back in meta.value (as Commerce Layer does), never deep structures
  const echo =
    typeof v === 'object' && v !== null
      ? undefined
      : typeof v === 'string' && v.length > 200
        ? `${v.slice(0, 200)}…`
        : v;
  const bad = (build: (field: string, value: unknown) => Violation) => ({ violation: build(name, echo) });
  if (v === null) {
    if (a.type === 'object' && a.nullable !== true) return { value: {} }; // metadata: null clears it
    if (a.required || a.nullable === false) return bad(violation.blank);
    return { value: null };
  }
  switch (a.type) {
    case 'string':
      if (typeof v !== 'string') return bad((f, x) => violation.notA(f, 'string', x));
      if (!storableText(v)) return bad(violation.notStorable);
      if (a.required && v.trim() === '') return bad(violation.blank);
      if (a.enum && !a.enum.includes(v)) return bad(violation.notIncluded);
      return { value: v };
    case 'integer':
    case 'float': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(violation.notANumber);
      if (a.type === 'integer' && !Number.isInteger(v)) return bad(violation.notAnInteger);
      const min = a.min ?? (a.type === 'integer' ? INT_MIN : undefined);
      const max = a.max ?? (a.type === 'integer' ? INT_MAX : undefined);
      if (a.greaterThan !== undefined && !(v > a.greaterThan))
        return bad((f, x) => violation.greaterThan(f, a.greaterThan!, x));
      if (min !== undefined && v < min) return bad((f, x) => violation.atLeast(f, min, x));
      if (max !== undefined && v > max) return bad((f, x) => violation.atMost(f, max, x));
      return { value: v };
    }
    case 'boolean':
      return typeof v === 'boolean' ? { value: v } : bad(violation.notBoolean);
    case 'datetime': {
      const d = typeof v === 'string' ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
        return bad((f, x) => violation.notValid(f, 'datetime', x));
      return { value: d };
    }
    case 'array':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
        return bad((f) => violation.unacceptable(f, 'must be an array of strings'));
      if (!storableText(v)) return bad((f, x) => violation.notStorable(f, x, true));
      return { value: v };
    case 'object':
      if (!isPlainObject(v)) return bad((f, x) => violation.notA(f, 'object', x));
      if (!storableText(v)) return bad((f, x) => violation.notStorable(f, x, true));
      return { value: v };
  }
}
