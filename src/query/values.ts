import { parseDate } from '../lib/dates';
import type { AttrType } from '../resources/define';

export { parseDate };

/** Coerce one filter operand to the attribute's type; undefined means "not a valid value". */
export function coerceFilterValue(type: AttrType, raw: string): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'integer': {
      if (!/^-?\d{1,10}$/.test(raw)) return undefined;
      const n = Number(raw);
      return n >= -2147483648 && n <= 2147483647 ? n : undefined;
    }
    case 'float': {
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) return undefined;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return parseFlag(raw);
    case 'datetime':
      return parseDate(raw)?.toISOString(); // drizzle's postgres.js setup binds timestamps as text
    case 'object':
      return undefined;
  }
}

/** `true`/`false` in the forms Rails accepts. */
export function parseFlag(raw: string): boolean | undefined {
  const v = raw.toLowerCase();
  if (['true', 't', '1', 'yes'].includes(v)) return true;
  if (['false', 'f', '0', 'no'].includes(v)) return false;
  return undefined;
}

/** Escape LIKE wildcards so `cont`, `start` and `end` match the text literally. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
