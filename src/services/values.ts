import type { Violation } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { Attribute, AttrType } from '../resources/define';

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

/** A decimal number as text: what Ruby's `Float()` reads, less hex, underscores and surrounding spaces. */
const DECIMAL = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

type Cast = { value: unknown } | { fail: (field: string, value: unknown) => Violation };

/**
 * Commerce Layer is a Rails application: it casts a value sent as a string by its attribute's type
 * (the official CLI sends every `-a key=value` as one). The one place Allot does the same, strictly:
 * integers `"2"`, `"-3"`, `"+4"` (a decimal such as `"2.5"`, `"2.0"` or `"1e3"` is `not_an_integer`);
 * floats `"1.5"`, `"1e3"`; booleans (and triggers) `"true"`, `"false"`, `"1"`, `"0"`; `""` is null for
 * all of these and for datetimes (Rails casts a blank string to nil). Anything else sent as a string,
 * `"two"`, `"0x10"`, `"Infinity"`, `" 2"`, stays what it was sent as, and is refused as before
 * (`not_a_number`, `inclusion`). JSON numbers and booleans pass unchanged; strings, objects and
 * datetimes (ISO strings already) are not cast.
 */
export function cast(type: AttrType, v: unknown): Cast {
  if (typeof v !== 'string' || type === 'string' || type === 'object') return { value: v };
  if (v === '') return { value: null };
  switch (type) {
    case 'integer':
      if (INTEGER.test(v)) return { value: Number(v) + 0 }; // + 0: "-0" is 0
      return { fail: DECIMAL.test(v) ? violation.notAnInteger : violation.notANumber };
    case 'float':
      return DECIMAL.test(v) ? { value: Number(v) + 0 } : { fail: violation.notANumber };
    case 'boolean':
      return TRUE.has(v) ? { value: true } : FALSE.has(v) ? { value: false } : { fail: violation.notBoolean };
    default:
      return { value: v };
  }
}

/** A trigger's value: true or false, cast as a boolean attribute is; null is not a decision. */
export function checkTrigger(name: string, v: unknown): { fire: boolean } | { violation: Violation } {
  const c = cast('boolean', v);
  if ('fail' in c) return { violation: c.fail(name, v) };
  return typeof c.value === 'boolean' ? { fire: c.value } : { violation: violation.notBoolean(name, v) };
}

/**
 * Check one attribute value against its definition, after casting it (above). Returns the value to
 * store, or a violation
 * in Rails' vocabulary (`meta.error`), which the official clients show next to the field.
 */
export function checkValue(name: string, a: Attribute, sent: unknown): { value: unknown } | { violation: Violation } {
  // echo scalars back in meta.value as sent (as Commerce Layer does), never deep structures
  const echo =
    typeof sent === 'object' && sent !== null
      ? undefined
      : typeof sent === 'string' && sent.length > 200
        ? `${sent.slice(0, 200)}…`
        : sent;
  const bad = (build: (field: string, value: unknown) => Violation) => ({ violation: build(name, echo) });
  const c = cast(a.type, sent);
  if ('fail' in c) return bad(c.fail);
  const v = c.value;
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
