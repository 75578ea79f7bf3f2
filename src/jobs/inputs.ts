import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { errors } from '../jsonapi/errors';
import { violation } from '../jsonapi/violations';
import type { ResourceDefinition } from '../resources/define';

export type Input = Record<string, unknown>;

const isObject = (v: unknown): v is Input => typeof v === 'object' && v !== null && !Array.isArray(v);
const refuse = (message: string, value?: unknown) =>
  errors.validation([violation.unacceptable('inputs', message, value)]);

/** The inputs as stored (the attachment's text): a JSON array, or CSV with a header row. */
export function inputsText(format: 'json' | 'csv', inputs: unknown): string {
  if (format === 'csv') {
    if (typeof inputs === 'string') return inputs;
    if (Array.isArray(inputs) && inputs.every((l) => typeof l === 'string')) return inputs.join('\n');
    throw refuse('must be a string of CSV with a header row');
  }
  if (!Array.isArray(inputs)) throw refuse('must be an array of objects');
  if (!inputs.every(isObject)) throw refuse('must be an array of objects (every input an object)');
  return JSON.stringify(inputs);
}

/**
 * The inputs of an import, in order: JSON objects as sent, or CSV rows keyed by the header
 * (csv-parse: quoting, embedded commas and line breaks as RFC 4180 has them). Throws a 422 on
 * `inputs` when the text cannot be read.
 */
export function parseInputs(format: 'json' | 'csv', text: string): Input[] {
  if (format === 'json') {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v) || !v.every(isObject)) throw refuse('must be an array of objects');
    return v;
  }
  try {
    return parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Input[];
  } catch (e) {
    throw refuse(`is not valid CSV: ${(e as Error).message.slice(0, 200)}`);
  }
}

export const gzip = (text: string): Buffer => gzipSync(Buffer.from(text, 'utf8'));
export const gunzip = (b: Buffer): string => gunzipSync(b).toString('utf8');

const BOOLEAN: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/**
 * A CSV cell is text; it becomes the attribute's type where it reads as one (`"12"` → 12,
 * `"true"` → true, `{"a":1}` → an object), as Commerce Layer casts by column type. Text that does
 * not cast stays text, so the write path refuses it with its usual violation. Empty cells are left out.
 */
export function castCsvRow(def: ResourceDefinition, row: Input): Input {
  const out: Input = {};
  for (const [k, raw] of Object.entries(row)) {
    if (raw === '' || raw === undefined) continue;
    const v = String(raw);
    const type = def.triggers[k] ? 'boolean' : def.attributes[k]?.type;
    if ((type === 'integer' || type === 'float') && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)) out[k] = Number(v);
    else if (type === 'boolean' && v.toLowerCase() in BOOLEAN) out[k] = BOOLEAN[v.toLowerCase()];
    else if (type === 'object' && /^[{[]/.test(v)) out[k] = safeJson(v);
    else out[k] = v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
