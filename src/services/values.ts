import type { Violation } from '../jsonapi/errors';
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
  const bad = (message: string, error: string, count?: number): { violation: Violation } => ({
    violation: { attribute: name, message, error, value: echo, count },
  });
  if (v === null) {
    if (a.type === 'object' && a.nullable !== true) return { value: {} }; // metadata: null clears it
    if (a.required || a.nullable === false) return bad("can't be blank", 'blank');
    return { value: null };
  }
  switch (a.type) {
    case 'string':
      if (typeof v !== 'string') return bad('must be a string', 'invalid');
      if (!storableText(v)) return bad('contains characters that are not allowed', 'invalid');
      if (a.required && v.trim() === '') return bad("can't be blank", 'blank');
      if (a.enum && !a.enum.includes(v)) return bad('is not included in the list', 'inclusion');
      return { value: v };
    case 'integer':
    case 'float': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('is not a number', 'not_a_number');
      if (a.type === 'integer' && !Number.isInteger(v)) return bad('must be an integer', 'not_an_integer');
      const min = a.min ?? (a.type === 'integer' ? INT_MIN : undefined);
      const max = a.max ?? (a.type === 'integer' ? INT_MAX : undefined);
      if (a.greaterThan !== undefined && !(v > a.greaterThan))
        return bad(`must be greater than ${a.greaterThan}`, 'greater_than', a.greaterThan);
      if (min !== undefined && v < min)
        return bad(`must be greater than or equal to ${min}`, 'greater_than_or_equal_to', min);
      if (max !== undefined && v > max)
        return bad(`must be less than or equal to ${max}`, 'less_than_or_equal_to', max);
      return { value: v };
    }
    case 'boolean':
      return typeof v === 'boolean' ? { value: v } : bad('must be true or false', 'inclusion');
    case 'datetime': {
      const d = typeof v === 'string' ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)
        return bad('is not a valid datetime', 'invalid');
      return { value: d };
    }
    case 'object':
      if (!isPlainObject(v)) return bad('must be an object', 'invalid');
      if (!storableText(v)) return bad('contains characters that are not allowed, or is nested too deeply', 'invalid');
      return { value: v };
  }
}
